package dev.braid;

/**
 * A text template with {@code {variable}} placeholders ({@code {{} and {@code }}} for braces): a step
 * from a JSON object of variables to a JSON string.
 */
public final class PromptTemplate extends Runnable {
    private PromptTemplate(long pointer) {
        super(pointer);
    }

    /**
     * @param template the template text
     * @return the prompt step
     * @throws TemplateException for a malformed template
     */
    public static PromptTemplate of(String template) {
        return of(template, null);
    }

    /**
     * @param template the template text
     * @param partialJson null, or a JSON object of variables bound ahead
     * @return the prompt step
     */
    public static PromptTemplate of(String template, String partialJson) {
        return new PromptTemplate(Native.promptTemplate(template, partialJson));
    }

    /** @return the variables the caller must give, as a JSON array */
    public String variables() {
        return use(Native::promptVariables);
    }
}
