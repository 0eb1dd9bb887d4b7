package dev.callerguard.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.helpers.DefaultHandler;

/** scripts/azure/apim-policy.xml: the inbound policy API Management applies to the CallerGuard API. */
class ApimPolicyTest {
    private static final Path POLICY = FakeAzure.SCRIPTS.resolve("apim-policy.xml");

    private Element policies;

    @BeforeEach
    void parse() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setErrorHandler(new DefaultHandler() {
            @Override
            public void error(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXParseException {
                throw e;
            }
        });
        Document document = builder.parse(POLICY.toFile());
        policies = document.getDocumentElement();
    }

    @Test
    void isWellFormedWithPoliciesAsRootAndTheFourSections() {
        assertThat(policies.getTagName()).isEqualTo("policies");
        assertThat(childNames(policies)).containsExactly("inbound", "backend", "outbound", "on-error");
    }

    @Test
    void everySectionKeepsTheInheritedPolicies() {
        for (Element section : children(policies)) {
            assertThat(childNames(section)).as(section.getTagName()).startsWith("base");
        }
    }

    @Test
    void inboundAuthenticatesWithTheManagedIdentityForTheNamedValue() {
        Element inbound = children(policies).get(0);
        assertThat(childNames(inbound)).containsExactly("base", "authentication-managed-identity");
        Element authentication = children(inbound).get(1);
        assertThat(authentication.getAttribute("resource")).isEqualTo("{{callerguard-app-id-uri}}");
        assertThat(authentication.hasAttribute("client-id"))
                .as("no client-id: the system-assigned identity is the one allowed").isFalse();
    }

    @Test
    void holdsNoHardCodedIds() throws Exception {
        assertThat(java.nio.file.Files.readString(POLICY))
                .doesNotContainPattern("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element) {
                elements.add((Element) node);
            }
        }
        return elements;
    }

    private static List<String> childNames(Element parent) {
        List<String> names = new ArrayList<>();
        children(parent).forEach(element -> names.add(element.getTagName()));
        return names;
    }
}
