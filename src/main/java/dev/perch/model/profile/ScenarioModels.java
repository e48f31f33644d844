package dev.perch.model.profile;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code models} of a scenario or catalog file, read: those Perch's catalog holds, and those
 * marked {@code profiled: false}, whose figures only a simulator may use.
 */
public record ScenarioModels(ProfileCatalog profiled, ProfileCatalog unprofiled) {
    /** Both together, for a check that a model has figures at all. */
    public ProfileCatalog all() {
        Map<String, Map<AcceleratorType, ModelProfile>> all = new LinkedHashMap<>(profiled.models());
        all.putAll(unprofiled.models());
        return new ProfileCatalog(all);
    }
}
