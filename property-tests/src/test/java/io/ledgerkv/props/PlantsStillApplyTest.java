package io.ledgerkv.props;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerkv.meta.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every defect that {@code plants/plant.py} re-plants can still be planted: each replacement's fixed
 * code stands exactly once in its file (after the plant's earlier replacements), and planting changes
 * the file. A refactoring that moves or rewrites a fix fails here, in the build, instead of leaving
 * a plant that a later session finds cannot be planted again. Whether the property still catches a
 * plant is measured by planting it (results/2026-11-30-simulation/plants), not on every build.
 */
class PlantsStillApplyTest {
    /** Surefire runs a module's tests in the module's directory. */
    private static final Path PLANTS = Path.of("plants", "plants.json");
    private static final Path MAIN = Path.of("..", "store-impl", "src", "main", "java", "io", "ledgerkv");

    @Test
    void everyPlantsFixedCodeIsStillThereExactlyOnce() throws IOException {
        JsonNode plants = Json.MAPPER.readTree(Files.readString(PLANTS, StandardCharsets.UTF_8));
        assertThat(plants.size()).as("plants in %s", PLANTS).isGreaterThanOrEqualTo(8);
        List<String> stale = new ArrayList<>();
        for (JsonNode plant : plants) {
            String name = plant.get("name").asText();
            Map<Path, String> planted = new HashMap<>();
            for (JsonNode r : plant.get("replacements")) {
                Path file = MAIN.resolve(r.get("file").asText());
                String fixed = r.get("fixed").asText();
                String defective = r.get("defective").asText();
                if (!Files.exists(file)) {
                    stale.add(name + ": " + r.get("file").asText() + " does not exist");
                    continue;
                }
                String text = planted.containsKey(file) ? planted.get(file) : Files.readString(file, StandardCharsets.UTF_8);
                int at = text.indexOf(fixed);
                if (at < 0 || text.indexOf(fixed, at + 1) >= 0) {
                    stale.add(name + ": its fixed code is " + (at < 0 ? "not" : "more than once") + " in " + r.get("file").asText());
                    continue;
                }
                assertThat(defective).as("plant %s changes %s", name, file).isNotEqualTo(fixed);
                planted.put(file, text.replace(fixed, defective));
            }
        }
        assertThat(stale).as("plants that can no longer be planted: update plants/plants.json with the fix's new code").isEmpty();
    }
}
