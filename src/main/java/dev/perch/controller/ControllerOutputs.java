package dev.perch.controller;

import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.InventoryRecord;

/** Where the controller's records go: Kafka in the application, a list in tests. */
public interface ControllerOutputs {
    void decision(DecisionRecord decision);

    void app(AppRecord app);

    void inventory(InventoryRecord node);
}
