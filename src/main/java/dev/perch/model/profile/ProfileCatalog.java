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
}
