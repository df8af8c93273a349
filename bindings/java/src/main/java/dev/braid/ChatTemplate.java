package dev.braid;

/**
 * Chat templates: Jinja templates that turn a conversation into a model's prompt, rendered as Hugging
 * Face transformers does. A model's own template: {@link Model#chatTemplate()},
 * {@link Model#applyChatTemplate(String)}.
 */
public final class ChatTemplate {
    private ChatTemplate() {}

    /**
     * @param template the Jinja template text
     * @param contextJson a JSON object of variables ({@code messages}, {@code add_generation_prompt},
     *        {@code tools}, ...), or null for none
     * @return the rendered text
     * @throws ParseException for a template syntax error (its line and column) or malformed JSON;
     *         {@link TemplateException} for an error while rendering (e.g. {@code raise_exception})
     */
    public static String render(String template, String contextJson) {
        return Native.chatTemplateRender(template, contextJson);
    }
}
