package dev.braid;

import java.util.ArrayList;
import java.util.List;

/**
 * A chat prompt: message templates, fixed messages and placeholders for message lists; a step from a
 * JSON object of variables to a JSON array of messages.
 * <pre>{@code
 * ChatPromptTemplate prompt = ChatPromptTemplate.builder()
 *     .system("You are {role}.")
 *     .placeholder("history", true)
 *     .user("{q}")
 *     .build();
 * }</pre>
 */
public final class ChatPromptTemplate extends Runnable {
    private ChatPromptTemplate(long pointer) {
        super(pointer);
    }

    /**
     * @param messagesJson the parts as braid_chat_prompt_template() takes them: [["system", "..."], ...]
     * @return the prompt step
     */
    public static ChatPromptTemplate fromMessages(String messagesJson) {
        return fromMessages(messagesJson, null);
    }

    /**
     * @param messagesJson the parts
     * @param partialJson null, or a JSON object of variables bound ahead
     * @return the prompt step
     */
    public static ChatPromptTemplate fromMessages(String messagesJson, String partialJson) {
        return new ChatPromptTemplate(Native.chatPromptTemplate(messagesJson, partialJson));
    }

    /** @return a builder of the parts */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the variables the caller must give, as a JSON array */
    public String variables() {
        return use(Native::promptVariables);
    }

    /** Collects the parts of a chat prompt in order. */
    public static final class Builder {
        private final List<String> parts = new ArrayList<>();

        private Builder() {}

        /**
         * @param role any role ("system", "user", "assistant", "tool", ...)
         * @param template its text template
         * @return this
         */
        public Builder message(String role, String template) {
            parts.add("[" + Json.quote(role) + "," + Json.quote(template) + "]");
            return this;
        }

        /**
         * @param template a system message template
         * @return this
         */
        public Builder system(String template) {
            return message("system", template);
        }

        /**
         * @param template a user message template
         * @return this
         */
        public Builder user(String template) {
            return message("user", template);
        }

        /**
         * @param template an assistant message template
         * @return this
         */
        public Builder assistant(String template) {
            return message("assistant", template);
        }

        /**
         * @param variable the variable holding a list of messages
         * @param optional whether the variable may be missing
         * @return this
         */
        public Builder placeholder(String variable, boolean optional) {
            parts.add("{\"placeholder\":" + Json.quote(variable) + ",\"optional\":" + optional + "}");
            return this;
        }

        /**
         * @param messageJson a message inserted as it is (not formatted)
         * @return this
         */
        public Builder fixed(String messageJson) {
            parts.add("{\"message\":" + messageJson + "}");
            return this;
        }

        /** @return the prompt step */
        public ChatPromptTemplate build() {
            return fromMessages("[" + String.join(",", parts) + "]");
        }
    }
}
