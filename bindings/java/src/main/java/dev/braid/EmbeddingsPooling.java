package dev.braid;

/** How a {@link LocalEmbeddings} pools a text's token states into one vector (braid_embeddings_pooling). */
public enum EmbeddingsPooling {
    /** The model's own: a bert model's metadata; a decoder's {@code <arch>.pooling_type}, else mean. */
    DEFAULT,
    /** The mean over every token of the text. */
    MEAN,
    /** The state of the first token. */
    CLS,
    /** The state of the last token (what decoder embedding models such as Qwen3-Embedding are trained for). */
    LAST
}
