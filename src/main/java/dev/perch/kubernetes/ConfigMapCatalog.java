package dev.perch.kubernetes;

import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.ScenarioException;
import dev.perch.model.profile.ScenarioReader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The profile catalog from a ConfigMap ({@value #NAME}, key {@value #KEY}, the catalog format of
 * DESIGN.md: {@code models: {<model>: {<type>: {serviceMs, swapMs, memoryMb}}}}), followed by an
 * informer. Without the ConfigMap, the catalog shipped with Perch; a ConfigMap that does not parse
 * leaves the last good catalog in place and says why in the log — it never stops the controller.
 */
public final class ConfigMapCatalog implements Supplier<ProfileCatalog>, AutoCloseable {
    public static final String NAME = "perch-catalog";
    public static final String KEY = "catalog.yaml";
    private static final Logger LOG = Logger.getLogger(ConfigMapCatalog.class);

    private final ProfileCatalog shipped = ScenarioReader.defaultCatalog();
    private final AtomicReference<ProfileCatalog> current = new AtomicReference<>(shipped);
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final SharedIndexInformer<ConfigMap> informer;

    public ConfigMapCatalog(KubernetesClient client, String namespace) {
        informer = client.configMaps().inNamespace(namespace).withName(NAME).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap configMap) {
                load(configMap);
            }

            @Override
            public void onUpdate(ConfigMap before, ConfigMap after) {
                load(after);
            }

            @Override
            public void onDelete(ConfigMap configMap, boolean finalStateUnknown) {
                current.set(shipped);
                LOG.infof("ConfigMap %s deleted: back to the catalog shipped with Perch", NAME);
            }
        });
    }

    private void load(ConfigMap configMap) {
        String yaml = configMap.getData() == null ? null : configMap.getData().get(KEY);
        if (yaml == null) {
            reject("ConfigMap " + NAME + " has no key " + KEY);
            return;
        }
        try {
            current.set(ScenarioReader.parseCatalog(yaml, "ConfigMap " + NAME));
            lastError.set(null);
            LOG.infof("profile catalog from ConfigMap %s: %d models", NAME, current.get().models().size());
        } catch (ScenarioException e) {
            reject(e.getMessage());
        }
    }

    private void reject(String why) {
        lastError.set(why);
        LOG.warnf("profile catalog not changed: %s", why);
    }

    @Override
    public ProfileCatalog get() {
        return current.get();
    }

    /** Why the last ConfigMap was not taken, or null. */
    public String lastError() {
        return lastError.get();
    }

    @Override
    public void close() {
        informer.close();
    }
}
