package dev.perch.model.profile;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * A profile Perch learned online for a model its catalog did not profile on an accelerator type:
 * learned from {@code app}'s telemetry while it ran alone on {@code accelerator} (its probation),
 * from {@code requests} requests, at {@code learnedAt}. {@link #source()} says so in the catalog's
 * {@code source} field, where an operator reading the catalog sees it.
 */
public record LearnedProfile(String model, AcceleratorType type, double serviceMs, double swapMs, double memoryMb,
                             String app, String accelerator, long requests, Instant learnedAt) {
    public LearnedProfile {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(accelerator, "accelerator");
        learnedAt = learnedAt.truncatedTo(ChronoUnit.SECONDS);
        profile(serviceMs, swapMs, memoryMb, ""); // the same bounds as every profile
    }

    /** "learned online from APP on ACCELERATOR, N requests, DATE" (DATE in ISO 8601, UTC). */
    public String source() {
        return "learned online from " + app + " on " + accelerator + ", " + requests + " requests, " + learnedAt;
    }

    /** The same profile with the memory measured elsewhere (the cluster's metrics). */
    public LearnedProfile withMemoryMb(double memoryMb) {
        return new LearnedProfile(model, type, serviceMs, swapMs, memoryMb, app, accelerator, requests, learnedAt);
    }

    /** The profile as the catalog holds it. */
    public ModelProfile profile() {
        return profile(serviceMs, swapMs, memoryMb, source());
    }

    private static ModelProfile profile(double serviceMs, double swapMs, double memoryMb, String source) {
        return new ModelProfile(serviceMs, swapMs, memoryMb, source);
    }

    /** The catalog of these profiles; a later one for the same model and type replaces an earlier one. */
    public static ProfileCatalog catalog(List<LearnedProfile> learned) {
        ProfileCatalog catalog = ProfileCatalog.empty();
        for (LearnedProfile profile : learned) {
            catalog = catalog.with(profile.model(), profile.type(), profile.profile());
        }
        return catalog;
    }
}
