package dev.perch.kubernetes;

import dev.perch.cluster.ActuationException;
import dev.perch.cluster.LearnedProfiles;
import dev.perch.model.profile.LearnedProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.ScenarioException;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.model.profile.ScenarioWriter;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.net.HttpURLConnection;

/**
 * The profiles Perch learns on probation, kept under the key {@value ConfigMapCatalog#LEARNED_KEY} of
 * the {@value ConfigMapCatalog#NAME} ConfigMap: applying a hand-written {@value ConfigMapCatalog#KEY}
 * never erases them, an operator edits or deletes an entry there, and a hand-written entry for the
 * same model and type always wins ({@link ConfigMapCatalog}). Perch never writes {@value ConfigMapCatalog#KEY}.
 *
 * <p>{@link #keep} reads the ConfigMap, adds the profile and writes it back with the resourceVersion
 * it read, so an edit made in between is never overwritten: on a conflict it reads again, a few
 * times. Without the ConfigMap it creates one with only {@value ConfigMapCatalog#LEARNED_KEY}, which
 * means the catalog shipped with Perch plus the learned profiles. {@link #learned} is what the
 * catalog's informer last read, so a kept profile is in the controller's catalog once the informer
 * has seen the write.
 */
public final class ConfigMapLearnedProfiles implements LearnedProfiles {
    static final String HEADER = "# Written by Perch: profiles it learned online while each model's first app ran alone"
            + " (probation). You may edit or delete entries; an entry in catalog.yaml for the same model and type always wins.\n";
    /** Writes tried when another writer keeps changing the ConfigMap in between; each one reads it again. */
    static final int ATTEMPTS = 5;
    private static final Logger LOG = Logger.getLogger(ConfigMapLearnedProfiles.class);

    private final KubernetesClient client;
    private final String namespace;
    private final ConfigMapCatalog catalog;

    public ConfigMapLearnedProfiles(KubernetesClient client, String namespace, ConfigMapCatalog catalog) {
        this.client = client;
        this.namespace = namespace;
        this.catalog = catalog;
    }

    @Override
    public void keep(LearnedProfile profile) {
        String what = "learned profile of " + profile.model() + " on " + profile.type().id() + " not kept in ConfigMap "
                + ConfigMapCatalog.NAME;
        for (int attempt = 1; ; attempt++) {
            try {
                write(profile);
                LOG.infof("kept in ConfigMap %s: %s on %s, %s", ConfigMapCatalog.NAME, profile.model(), profile.type().id(),
                        profile.source());
                return;
            } catch (KubernetesClientException e) {
                boolean raced = e.getCode() == HttpURLConnection.HTTP_CONFLICT;
                if (!raced || attempt == ATTEMPTS) {
                    throw new ActuationException(what + ": " + (raced ? "it kept changing while written, "
                            + ATTEMPTS + " times" : firstLine(e.getMessage())), e);
                }
            } catch (ScenarioException e) {
                throw new ActuationException(what + ": " + ConfigMapCatalog.LEARNED_KEY + " there does not parse, so Perch"
                        + " leaves it as it is (fix or delete it): " + firstLine(e.getMessage()), e);
            }
        }
    }

    /** One read-modify-write (a create when there is no ConfigMap); a conflict throws, to be tried again. */
    private void write(LearnedProfile profile) {
        ConfigMap current = client.configMaps().inNamespace(namespace).withName(ConfigMapCatalog.NAME).get();
        String before = current == null || current.getData() == null ? null : current.getData().get(ConfigMapCatalog.LEARNED_KEY);
        ProfileCatalog learned = before == null ? ProfileCatalog.empty()
                : ScenarioReader.parseCatalog(before, "ConfigMap " + ConfigMapCatalog.NAME + " key " + ConfigMapCatalog.LEARNED_KEY);
        String yaml = yaml(learned.with(profile.model(), profile.type(), profile.profile()));
        if (current == null) {
            client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                    .withName(ConfigMapCatalog.NAME).withNamespace(namespace).endMetadata()
                    .addToData(ConfigMapCatalog.LEARNED_KEY, yaml).build()).create();
            return;
        }
        // The resourceVersion read stays on the object: the server refuses the write if it changed since.
        client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder(current)
                .addToData(ConfigMapCatalog.LEARNED_KEY, yaml).build()).update();
    }

    /** {@value ConfigMapCatalog#LEARNED_KEY} as Perch writes it: the header, then the catalog. */
    static String yaml(ProfileCatalog learned) {
        return HEADER + ScenarioWriter.writeCatalog(learned);
    }

    @Override
    public ProfileCatalog learned() {
        return catalog.learned();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
