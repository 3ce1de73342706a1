package dev.enrich.k8s;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * What the Jib plugin in {@code pom.xml} (profile {@code image}) puts into the image: its name, JVM flags, exposed
 * ports and user, with {@code ${project.version}} and {@code ${project.name}} resolved.
 *
 * @param image the image name and tag, e.g. {@code enrich:0.1.0-SNAPSHOT}
 * @param user the container's user, e.g. {@code 65532:65532}
 */
record JibSettings(String image, List<String> jvmFlags, List<Integer> ports, String user) {

    private static final String JIB = "/project/profiles/profile[id='image']/build/plugins/plugin"
            + "[artifactId='jib-maven-plugin']/configuration";

    /** Read them from {@code pom.xml} in the working directory. */
    static JibSettings fromPom() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document pom = factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        XPath xpath = XPathFactory.newInstance().newXPath();
        String version = xpath.evaluate("/project/version", pom);
        String name = xpath.evaluate("/project/name", pom);
        UnaryOperator<String> resolve =
                s -> s.replace("${project.version}", version).replace("${project.name}", name).trim();
        return new JibSettings(
                resolve.apply(xpath.evaluate(JIB + "/to/image", pom)),
                texts(xpath, pom, JIB + "/container/jvmFlags/jvmFlag").stream().map(resolve).toList(),
                texts(xpath, pom, JIB + "/container/ports/port").stream().map(Integer::valueOf).toList(),
                resolve.apply(xpath.evaluate(JIB + "/container/user", pom)));
    }

    /** Return the numeric user id of {@link #user()}. */
    long uid() {
        return Long.parseLong(user.split(":")[0]);
    }

    private static List<String> texts(XPath xpath, Document pom, String expression) throws Exception {
        NodeList nodes = (NodeList) xpath.evaluate(expression, pom, XPathConstants.NODESET);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent().trim());
        }
        return texts;
    }
}
