package dev.bpfj.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The plugin descriptor that Maven's help renders: a {@code bpf:help} goal exists, and no goal or
 * parameter description holds an angle bracket, which {@code mvn help:describe} takes for an HTML
 * tag and drops (so {@code target/bpf/<name>.bpf.o} was shown as {@code target/bpf/.bpf.o}).
 */
class PluginDescriptorTest {

    private static Document descriptor(String resource) throws Exception {
        try (InputStream in = PluginDescriptorTest.class.getResourceAsStream(resource)) {
            assertTrue(in != null, resource + " missing: the descriptor is generated at process-classes");
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }

    @Test
    void helpIsAGoal() throws Exception {
        List<String> goals = new ArrayList<>();
        NodeList mojos = descriptor("/META-INF/maven/plugin.xml").getElementsByTagName("goal");
        for (int i = 0; i < mojos.getLength(); i++) {
            goals.add(mojos.item(i).getTextContent());
        }
        assertTrue(goals.contains("help"), "goals: " + goals);
        assertEquals("bpf", descriptor("/META-INF/maven/plugin.xml").getElementsByTagName("goalPrefix")
                .item(0).getTextContent());
    }

    @Test
    void noDescriptionHasAngleBrackets() throws Exception {
        List<String> bad = new ArrayList<>();
        for (String resource : List.of("/META-INF/maven/plugin.xml",
                "/META-INF/maven/dev.bpfj/bpf-maven-plugin/plugin-help.xml")) {
            NodeList descriptions = descriptor(resource).getElementsByTagName("description");
            for (int i = 0; i < descriptions.getLength(); i++) {
                String text = descriptions.item(i).getTextContent();
                // the help goal's own text comes from maven-plugin-tools, not from this project
                if (text.contains("<") && !text.startsWith("Display help information on bpf-maven-plugin.")) {
                    bad.add(resource + ": " + text);
                }
            }
        }
        assertTrue(bad.isEmpty(), "descriptions that help:describe would mangle:\n" + String.join("\n", bad));
    }
}
