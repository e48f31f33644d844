package dev.perch.cli;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code evaluate --plot out.png}: one group of bars per strategy — apps placed, apps placed before
 * the first violation (the paper's measure) and apps violating with everything placed — so the
 * strategies compare at a glance. Drawn with the JDK's own Java 2D, headless.
 */
final class EvaluationPlot {
    private static final int WIDTH = 1100;
    private static final int HEIGHT = 620;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 100;
    private static final int BOTTOM = 90;
    private static final Color PLACED = new Color(0xB0C4DE);
    private static final Color BEFORE_VIOLATION = new Color(0x2E6DB4);
    private static final Color VIOLATING = new Color(0xD1495B);

    private EvaluationPlot() {
    }

    static void write(EvaluateCommand.Report report, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            draw(g, report);
        } finally {
            g.dispose();
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
    }

    private static void draw(Graphics2D g, EvaluateCommand.Report report) {
        List<EvaluateCommand.StrategyResult> results = report.strategies();
        int max = 1;
        for (EvaluateCommand.StrategyResult r : results) {
            max = Math.max(max, Math.max(r.appsPlaced(), r.appsBeforeFirstViolation()));
        }
        int step = niceStep(max);
        int top = ((max + step - 1) / step) * step;
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        centered(g, String.format(Locale.ROOT, "Apps hosted per placement strategy — scenario %s, seed %d (judged by the simulator)",
                report.scenario(), report.seed()), WIDTH / 2, 32);

        // Axes, grid and y ticks.
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics metrics = g.getFontMetrics();
        for (int value = 0; value <= top; value += step) {
            int y = TOP + plotHeight - (int) Math.round((double) value / top * plotHeight);
            g.setColor(new Color(0xE5E5E5));
            g.drawLine(LEFT, y, LEFT + plotWidth, y);
            g.setColor(Color.BLACK);
            String label = Integer.toString(value);
            g.drawString(label, LEFT - 8 - metrics.stringWidth(label), y + metrics.getAscent() / 2 - 1);
        }
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(LEFT, TOP, LEFT, TOP + plotHeight);
        g.drawLine(LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString("number of apps", -(TOP + plotHeight / 2) - metrics.stringWidth("number of apps") / 2, 24);
        rotated.dispose();
        centered(g, "placement strategy", LEFT + plotWidth / 2, HEIGHT - 22);

        // Bars.
        int groups = Math.max(1, results.size());
        double groupWidth = (double) plotWidth / groups;
        int barWidth = (int) Math.max(6, groupWidth * 0.22);
        for (int i = 0; i < results.size(); i++) {
            EvaluateCommand.StrategyResult r = results.get(i);
            int center = LEFT + (int) Math.round(groupWidth * (i + 0.5));
            int[] values = {r.appsPlaced(), r.appsBeforeFirstViolation(), r.appsViolating()};
            Color[] colors = {PLACED, BEFORE_VIOLATION, VIOLATING};
            for (int b = 0; b < 3; b++) {
                int x = center + (b - 1) * (barWidth + 4) - barWidth / 2;
                int height = (int) Math.round((double) values[b] / top * plotHeight);
                g.setColor(colors[b]);
                g.fillRect(x, TOP + plotHeight - height, barWidth, height);
                g.setColor(Color.DARK_GRAY);
                centered(g, Integer.toString(values[b]), x + barWidth / 2, TOP + plotHeight - height - 4);
            }
            g.setColor(Color.BLACK);
            centered(g, r.name(), center, TOP + plotHeight + 22);
        }

        // Legend: one row between the title and the plot.
        String[] labels = {"apps placed", "apps placed before the first violation", "apps violating with all placed"};
        Color[] colors = {PLACED, BEFORE_VIOLATION, VIOLATING};
        int legendWidth = 0;
        for (String label : labels) {
            legendWidth += 18 + metrics.stringWidth(label) + 30;
        }
        int lx = LEFT + (plotWidth - legendWidth) / 2;
        int ly = 64;
        for (int i = 0; i < labels.length; i++) {
            g.setColor(colors[i]);
            g.fillRect(lx, ly - 11, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(labels[i], lx + 18, ly);
            lx += 18 + metrics.stringWidth(labels[i]) + 30;
        }
    }

    private static int niceStep(int max) {
        for (int step : new int[]{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000}) {
            if (max / step <= 10) {
                return step;
            }
        }
        return 10_000;
    }

    private static void centered(Graphics2D g, String text, int x, int y) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, y);
    }
}
