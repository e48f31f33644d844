package dev.perch.cluster;

import dev.perch.model.profile.LearnedProfile;
import dev.perch.model.profile.ProfileCatalog;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where the profiles Perch learns online on probation are kept, beside the hand-written catalog:
 * on Kubernetes under their own key of the {@code perch-catalog} ConfigMap, where an operator can
 * edit or delete them; in the demo, in memory. The catalog the controller decides with is the
 * hand-written one with these added where it has none ({@link ProfileCatalog#withLearned}).
 */
public interface LearnedProfiles {
    /**
     * Keeps {@code profile}, replacing one learned before for the same model and type; from then on
     * the controller's catalog has it unless a hand-written entry says otherwise.
     *
     * @throws ActuationException when the store refused it (the probation goes on and tries again)
     */
    void keep(LearnedProfile profile);

    /** The profiles kept so far, as a catalog (hand-written entries not included). */
    ProfileCatalog learned();

    /**
     * Profiles kept in this process's memory, for the demo (and a controller given no store):
     * {@link #get()} is the hand-written catalog with them, the very same object until one more is
     * kept or the hand-written one changes (the controller's models are reused while their catalog is
     * the same object).
     */
    final class InMemory implements LearnedProfiles, Supplier<ProfileCatalog> {
        private final Supplier<ProfileCatalog> handWritten;
        private final List<LearnedProfile> kept = new ArrayList<>();
        private volatile ProfileCatalog learned = ProfileCatalog.empty();
        private ProfileCatalog mergedFrom;
        private ProfileCatalog mergedLearned;
        private ProfileCatalog merged;

        public InMemory(ProfileCatalog handWritten) {
            this(() -> handWritten);
        }

        /** Over a hand-written catalog that may change while it runs. */
        public InMemory(Supplier<ProfileCatalog> handWritten) {
            this.handWritten = handWritten;
        }

        @Override
        public synchronized void keep(LearnedProfile profile) {
            kept.removeIf(p -> p.model().equals(profile.model()) && p.type() == profile.type());
            kept.add(profile);
            learned = LearnedProfile.catalog(kept);
        }

        @Override
        public ProfileCatalog learned() {
            return learned;
        }

        /** Every profile kept, in the order kept: for the demo's summary, which says what each app taught Perch. */
        public synchronized List<LearnedProfile> kept() {
            return List.copyOf(kept);
        }

        @Override
        public synchronized ProfileCatalog get() {
            ProfileCatalog base = handWritten.get();
            if (base != mergedFrom || learned != mergedLearned) {
                merged = base.withLearned(learned);
                mergedFrom = base;
                mergedLearned = learned;
            }
            return merged;
        }
    }
}
