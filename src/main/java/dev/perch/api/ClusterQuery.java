package dev.perch.api;

import dev.perch.api.ClusterPicture.AcceleratorView;
import dev.perch.api.ClusterPicture.AppView;
import dev.perch.api.ClusterPicture.NodeView;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What part of the cluster a page asks for, so that a fleet of 1,000 accelerators and 10,000 apps is
 * never sent whole every second: {@code q}, a case-insensitive piece of an app's, model's, node's or
 * accelerator's id (a node matches by its name, its accelerators' ids, or any app it serves or
 * receives that matches), and a page of each list ({@code appOffset}/{@code appLimit},
 * {@code nodeOffset}/{@code nodeLimit}). Asked anything, it orders the lists at risk first — apps
 * whose SLO is predicted unmet, then those placed nowhere, then those not predicted yet, then the
 * rest; nodes serving an app at risk or with an accelerator unstable or held, then the rest — each by
 * name. Asked nothing, the picture stays whole and in the cluster's order.
 */
record ClusterQuery(String q, int appOffset, Integer appLimit, int nodeOffset, Integer nodeLimit) {
    static final int MAX_LIMIT = 1000;
    static final ClusterQuery NONE = new ClusterQuery(null, 0, null, 0, null);

    /** The query the parameters ask for; IllegalArgumentException with a one-line reason for a bad one. */
    static ClusterQuery parse(String q, String appOffset, String appLimit, String nodeOffset, String nodeLimit) {
        String piece = q == null || q.isBlank() ? null : q.strip().toLowerCase(Locale.ROOT);
        ClusterQuery query = new ClusterQuery(piece, offset("appOffset", appOffset), limit("appLimit", appLimit),
                offset("nodeOffset", nodeOffset), limit("nodeLimit", nodeLimit));
        // A blank q still asks for the ordered view, as any parameter given does.
        boolean asked = q != null || appOffset != null || appLimit != null || nodeOffset != null || nodeLimit != null;
        return asked ? query : NONE;
    }

    /** The picture filtered, ordered and paged, with the totals of the whole and of what matched. */
    ClusterPicture apply(ClusterPicture whole) {
        if (this == NONE) { // asked nothing: parse gives this very instance
            return whole;
        }
        Map<String, AppView> appsById = new HashMap<>();
        for (AppView app : whole.apps()) {
            appsById.put(app.app(), app);
        }
        List<AppView> apps = new ArrayList<>();
        Set<String> matchingAppIds = new HashSet<>();
        for (AppView app : whole.apps()) {
            if (matches(app)) {
                apps.add(app);
                matchingAppIds.add(app.app());
            }
        }
        List<NodeView> nodes = new ArrayList<>();
        for (NodeView node : whole.nodes()) {
            if (matches(node, matchingAppIds)) {
                nodes.add(node);
            }
        }
        apps.sort(Comparator.comparingInt(ClusterQuery::appRank).thenComparing(AppView::app));
        nodes.sort(Comparator.comparingInt((NodeView node) -> atRisk(node, appsById) ? 0 : 1).thenComparing(NodeView::node));
        ClusterPicture.Totals totals = ClusterPicture.Totals.of(whole.nodes(), whole.apps(), nodes.size(), apps.size());
        return new ClusterPicture(whole.atMs(), whole.leading(), page(nodes, nodeOffset, nodeLimit),
                page(apps, appOffset, appLimit), totals);
    }

    /** 0 SLO predicted unmet, 1 placed nowhere, 2 not predicted yet, 3 the rest. */
    static int appRank(AppView app) {
        if (Boolean.FALSE.equals(app.sloMet())) {
            return 0;
        }
        if (app.accelerator() == null) {
            return 1;
        }
        return app.ratePerSec() == null ? 2 : 3;
    }

    private static boolean atRisk(NodeView node, Map<String, AppView> apps) {
        for (AcceleratorView accelerator : node.accelerators()) {
            if (Boolean.FALSE.equals(accelerator.stable()) || accelerator.held() != null
                    || anyAtRisk(accelerator.apps(), apps) || anyAtRisk(accelerator.arriving(), apps)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyAtRisk(List<String> ids, Map<String, AppView> apps) {
        for (String id : ids) {
            AppView app = apps.get(id);
            if (app != null && Boolean.FALSE.equals(app.sloMet())) {
                return true;
            }
        }
        return false;
    }

    private boolean matches(AppView app) {
        return q == null || contains(app.app()) || contains(app.model()) || contains(app.accelerator())
                || contains(app.migratingTo());
    }

    private boolean matches(NodeView node, Set<String> matchingApps) {
        if (q == null || contains(node.node())) {
            return true;
        }
        for (AcceleratorView accelerator : node.accelerators()) {
            if (contains(accelerator.id()) || accelerator.apps().stream().anyMatch(matchingApps::contains)
                    || accelerator.arriving().stream().anyMatch(matchingApps::contains)) {
                return true;
            }
        }
        return false;
    }

    /** An accelerator's id starts with its node's name, so matching it matches the node too. */
    private boolean contains(String id) {
        return id != null && id.toLowerCase(Locale.ROOT).contains(q);
    }

    private static <T> List<T> page(List<T> all, int offset, Integer limit) {
        int from = Math.min(offset, all.size());
        int to = limit == null ? all.size() : (int) Math.min(all.size(), (long) from + limit);
        return List.copyOf(all.subList(from, to));
    }

    private static int offset(String name, String value) {
        Integer offset = ApiAnswers.wholeNumber(name, value, 0, Integer.MAX_VALUE);
        return offset == null ? 0 : offset;
    }

    private static Integer limit(String name, String value) {
        return ApiAnswers.wholeNumber(name, value, 1, MAX_LIMIT);
    }
}
