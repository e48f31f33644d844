package dev.perch.controller;

import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.InventoryRecord;

/** Where the controller's records go: Kafka in the application, a list in tests. */
public interface ControllerOutputs {
    /** Publishes nothing ({@code evaluate}'s controller, which has no topology to tell). */
    ControllerOutputs NONE = new ControllerOutputs() {
        @Override
        public void decision(DecisionRecord decision) {
        }

        @Override
        public void app(AppRecord app) {
        }

        @Override
        public void inventory(InventoryRecord node) {
        }
    };

    void decision(DecisionRecord decision);

    void app(AppRecord app);

    void inventory(InventoryRecord node);
}
