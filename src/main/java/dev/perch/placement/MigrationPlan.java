package dev.perch.placement;

import java.util.List;

/**
 * A plan: the actions to take, in order, each with its reason and the predictions before and after
 * on the devices it touches; and the apps whose SLO the plan could not bring back (within the move
 * budget or at all), with why. Executing the actions in order never breaks an SLO that held before.
 */
public record MigrationPlan(List<Action> actions, List<String> unresolved) {
    public MigrationPlan {
        actions = List.copyOf(actions);
        unresolved = List.copyOf(unresolved);
    }

    public int moves() {
        return actions.size();
    }

    /** One step of a plan. */
    public sealed interface Action {
        String app();

        String to();

        String reason();

        /** Move a running app: start it on {@code to}, wait until ready, switch traffic, stop it on {@code from}. */
        record Move(String app, String from, String to, String reason, DeviceVerdict sourceBefore,
                    DeviceVerdict sourceAfter, DeviceVerdict targetBefore, DeviceVerdict targetAfter) implements Action {
        }

        /** Start an app that runs nowhere (a new app, or one whose device was lost). */
        record Place(String app, String to, String reason, DeviceVerdict targetBefore, DeviceVerdict targetAfter)
                implements Action {
        }
    }
}
