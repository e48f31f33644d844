package dev.perch.model.profile;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Prior knowledge of models × accelerator types. A model missing from the catalog has no prior: only
 * telemetry teaches Perch about it.
 */
public record ProfileCatalog(Map<String, Map<AcceleratorType, ModelProfile>> models) {
    public ProfileCatalog {
        Map<String, Map<AcceleratorType, ModelProfile>> copy = new LinkedHashMap<>();
        models.forEach((model, byType) -> copy.put(model,
                Collections.unmodifiableMap(byType.isEmpty() ? new EnumMap<>(AcceleratorType.class) : new EnumMap<>(byType))));
        models = Collections.unmodifiableMap(copy);
    }

    public static ProfileCatalog empty() {
        return new ProfileCatalog(Map.of());
    }

    public Optional<ModelProfile> profile(String model, AcceleratorType type) {
        Map<AcceleratorType, ModelProfile> byType = models.get(model);
        return byType == null ? Optional.empty() : Optional.ofNullable(byType.get(type));
    }

    /** The accelerator types this model has a profile for; empty when the model is unknown. */
    public Set<AcceleratorType> typesFor(String model) {
        Map<AcceleratorType, ModelProfile> byType = models.get(model);
        return byType == null ? Set.of() : byType.keySet();
    }

    public boolean knows(String model) {
        return models.containsKey(model);
    }

    /**
     * A conservative stand-in for the profile of a model nobody profiled on {@code type}, until its
     * telemetry says more: the slowest service, the dearest swap and the largest memory of any model
     * this catalog profiles for the type — an unknown model taken as costly as the costliest measured
     * (a type nothing is profiled for: a second a request, no swap, a gigabyte).
     */
    public ModelProfile conservativePrior(AcceleratorType type) {
        double serviceMs = 0;
        double swapMs = 0;
        double memoryMb = 0;
        for (Map<AcceleratorType, ModelProfile> byType : models.values()) {
            ModelProfile profile = byType.get(type);
            if (profile != null) {
                serviceMs = Math.max(serviceMs, profile.serviceMs());
                swapMs = Math.max(swapMs, profile.swapMs());
                memoryMb = Math.max(memoryMb, profile.memoryMb());
            }
        }
        return serviceMs > 0 ? new ModelProfile(serviceMs, swapMs, memoryMb, "conservative prior")
                : new ModelProfile(1000, 0, 1024, "conservative prior");
    }

    /** This catalog with {@code profile} for {@code model} on {@code type}, replacing any there. */
    public ProfileCatalog with(String model, AcceleratorType type, ModelProfile profile) {
        Map<String, Map<AcceleratorType, ModelProfile>> copy = new LinkedHashMap<>(models);
        Map<AcceleratorType, ModelProfile> byType = new EnumMap<>(AcceleratorType.class);
        byType.putAll(models.getOrDefault(model, Map.of()));
        byType.put(type, profile);
        copy.put(model, byType);
        return new ProfileCatalog(copy);
    }

    /**
     * This hand-written catalog with {@code learned}'s profiles added where it has none: an entry
     * written by hand always wins over one Perch learned for the same model and accelerator type,
     * so an operator corrects a learned profile by writing one.
     */
    public ProfileCatalog withLearned(ProfileCatalog learned) {
        if (learned.models().isEmpty()) {
            return this;
        }
        Map<String, Map<AcceleratorType, ModelProfile>> merged = new LinkedHashMap<>(models);
        learned.models().forEach((model, byType) -> {
            Map<AcceleratorType, ModelProfile> types = new EnumMap<>(AcceleratorType.class);
            types.putAll(byType);
            types.putAll(models.getOrDefault(model, Map.of()));
            merged.put(model, types);
        });
        return new ProfileCatalog(merged);
    }
}
