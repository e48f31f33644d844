package dev.perch.kubernetes;

import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.ScenarioException;
import dev.perch.model.profile.ScenarioReader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The profile catalog from a ConfigMap ({@value #NAME}), followed by an informer. Two keys, each in
 * the catalog format of DESIGN.md ({@code models: {<model>: {<type>: {serviceMs, swapMs, memoryMb}}}}):
 * {@value #KEY}, written by hand (without it, the catalog shipped with Perch), and {@value #LEARNED_KEY},
 * the profiles Perch learned on probation ({@link ConfigMapLearnedProfiles}). The catalog supplied is
 * the hand-written one with the learned profiles where it has none ({@link ProfileCatalog#withLearned}),
 * the very same object until either key changes (the controller reuses its models while it is).
 * A key that does not parse leaves its last good content in place and says why in the log, once — it
 * never stops the controller, and a bad {@value #LEARNED_KEY} never holds back the hand-written part.
 */
public final class ConfigMapCatalog implements Supplier<ProfileCatalog>, AutoCloseable {
    public static final String NAME = "perch-catalog";
    public static final String KEY = "catalog.yaml";
    public static final String LEARNED_KEY = "learned.yaml";
    private static final Logger LOG = Logger.getLogger(ConfigMapCatalog.class);

    private final ProfileCatalog shipped = ScenarioReader.defaultCatalog();
    private final SharedIndexInformer<ConfigMap> informer;
    /** What the keys said last (null: absent), so that a ConfigMap written again unchanged changes nothing. */
    private String handWrittenYaml;
    private String learnedYaml;
    private ProfileCatalog handWritten = shipped;
    private ProfileCatalog learned = ProfileCatalog.empty();
    /** The parts {@link #merged} was made of: a new catalog object only when a part is a new one. */
    private ProfileCatalog mergedOf = handWritten;
    private ProfileCatalog learnedOf = learned;
    private volatile ProfileCatalog merged = shipped;
    private volatile String lastError;
    private volatile String learnedError;

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
                deleted();
            }
        });
    }

    private synchronized void load(ConfigMap configMap) {
        Map<String, String> data = configMap.getData() == null ? Map.of() : configMap.getData();
        String handWrittenNow = data.get(KEY);
        String learnedNow = data.get(LEARNED_KEY);
        if (!Objects.equals(handWrittenNow, handWrittenYaml)) {
            handWrittenYaml = handWrittenNow;
            loadHandWritten(handWrittenNow);
        }
        if (!Objects.equals(learnedNow, learnedYaml)) {
            learnedYaml = learnedNow;
            loadLearned(learnedNow);
        }
        merge();
    }

    private void loadHandWritten(String yaml) {
        if (yaml == null) {
            handWritten = shipped;
            lastError = null;
            LOG.infof("ConfigMap %s has no key %s: the catalog shipped with Perch", NAME, KEY);
            return;
        }
        try {
            handWritten = ScenarioReader.parseCatalog(yaml, "ConfigMap " + NAME);
            lastError = null;
            LOG.infof("profile catalog from ConfigMap %s: %d models", NAME, handWritten.models().size());
        } catch (ScenarioException e) {
            lastError = e.getMessage();
            LOG.warnf("profile catalog not changed: %s", e.getMessage());
        }
    }

    private void loadLearned(String yaml) {
        if (yaml == null) {
            learned = ProfileCatalog.empty();
            learnedError = null;
            return;
        }
        try {
            learned = ScenarioReader.parseCatalog(yaml, "ConfigMap " + NAME + " key " + LEARNED_KEY);
            learnedError = null;
            LOG.infof("learned profiles from ConfigMap %s: %d models", NAME, learned.models().size());
        } catch (ScenarioException e) {
            learnedError = e.getMessage();
            LOG.warnf("learned profiles not changed (the hand-written catalog still applies): %s", e.getMessage());
        }
    }

    private synchronized void deleted() {
        handWrittenYaml = null;
        learnedYaml = null;
        handWritten = shipped;
        learned = ProfileCatalog.empty();
        lastError = null;
        learnedError = null;
        merge();
        LOG.infof("ConfigMap %s deleted: back to the catalog shipped with Perch", NAME);
    }

    private void merge() {
        if (handWritten != mergedOf || learned != learnedOf) {
            mergedOf = handWritten;
            learnedOf = learned;
            merged = handWritten.withLearned(learned);
        }
    }

    @Override
    public ProfileCatalog get() {
        return merged;
    }

    /** The profiles of {@value #LEARNED_KEY} as last read (empty without the key), hand-written entries not included. */
    public synchronized ProfileCatalog learned() {
        return learned;
    }

    /** Why the last {@value #KEY} was not taken, or null. */
    public String lastError() {
        return lastError;
    }

    /** Why the last {@value #LEARNED_KEY} was not taken, or null. */
    public String learnedError() {
        return learnedError;
    }

    @Override
    public void close() {
        informer.close();
    }
}
