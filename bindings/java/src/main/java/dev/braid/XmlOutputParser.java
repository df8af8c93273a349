package dev.braid;

/** The first XML element of the answer as JSON. */
public final class XmlOutputParser extends OutputParser {
    /** A parser suggesting no tags. */
    public XmlOutputParser() {
        super(Native.parserXml(null));
    }

    /** @param tagsJson a JSON array of tag names the format instructions suggest */
    public XmlOutputParser(String tagsJson) {
        super(Native.parserXml(tagsJson));
    }
}
