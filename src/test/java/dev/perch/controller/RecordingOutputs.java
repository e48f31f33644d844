package dev.perch.controller;

import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.InventoryRecord;

import java.util.List;

/** The controller's outputs into lists, for tests; {@code null} lists drop those records. */
public record RecordingOutputs(List<DecisionRecord> decisions, List<AppRecord> apps, List<InventoryRecord> nodes)
        implements ControllerOutputs {
    public static RecordingOutputs decisionsInto(List<DecisionRecord> decisions) {
        return new RecordingOutputs(decisions, null, null);
    }

    @Override
    public void decision(DecisionRecord decision) {
        if (decisions != null) {
            decisions.add(decision);
        }
    }

    @Override
    public void app(AppRecord app) {
        if (apps != null) {
            apps.add(app);
        }
    }

    @Override
    public void inventory(InventoryRecord node) {
        if (nodes != null) {
            nodes.add(node);
        }
    }
}
