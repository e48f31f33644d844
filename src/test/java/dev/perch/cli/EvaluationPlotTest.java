package dev.perch.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluationPlotTest {
    @TempDir
    Path dir;

    private static int count(BufferedImage image, int rgb) {
        int n = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void drawsEachMeasureOfEachStrategyAsABarWithItsLegend() throws Exception {
        var report = new EvaluateCommand.Report("mixed", 3, List.of(
                new EvaluateCommand.StrategyResult("knapsack-first", 32, 26, 3, 0.71, 4, 0, 0.03),
                new EvaluateCommand.StrategyResult("perch", 29, 0, 29, 1.0, 8, 2, 0.4)));
        Path file = dir.resolve("plots/out.png");

        EvaluationPlot.write(report, file);

        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, "a PNG");
        assertEquals(1100, image.getWidth());
        // Bar areas grow with the values: the violating bar (26 apps) of knapsack-first and none for
        // perch; the legend's swatch adds 12×12 pixels of each colour.
        int violating = count(image, 0xD1495B);
        int beforeViolation = count(image, 0x2E6DB4);
        int placed = count(image, 0xB0C4DE);
        assertTrue(violating > 144 && placed > violating && beforeViolation > violating / 2,
                violating + " / " + beforeViolation + " / " + placed);
        // Title and axis labels are drawn in black above the plot and left of it.
        int dark = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < 40; y++) {
                dark += (image.getRGB(x, y) & 0xFFFFFF) == 0 ? 1 : 0;
            }
        }
        assertTrue(dark > 200, "a title");
    }
}
