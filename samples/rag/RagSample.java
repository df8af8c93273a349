// braid RAG from Java: the C++ sample (main.cpp) through the Java binding. A folder is indexed into an SQLite
// store (VectorStore.indexDirectory: only what changed since the last run is embedded, through the
// embeddings cache), then each stdin line is a question: the retriever finds 3 chunks,
// Retrieval.formatDocuments numbers them for the prompt, prompt | LocalChatModel | parser streams the answer,
// and the sources are listed with those the answer cites.
//
//   java -cp braid.jar:braid-rag-sample.jar RagSample DOCS EMBED.gguf CHAT.gguf CHATML.jinja [STORE.sqlite]
//
// With the shipped tiny models (random or toy weights) the answers are nonsense; give real GGUF models
// (bge-small, a Qwen2.5-Instruct) for real answers.
import dev.braid.CachedEmbeddings;
import dev.braid.ChatPromptTemplate;
import dev.braid.Json;
import dev.braid.LocalChatModel;
import dev.braid.LocalChatModelOptions;
import dev.braid.LocalEmbeddings;
import dev.braid.LocalEmbeddingsOptions;
import dev.braid.Model;
import dev.braid.Retrieval;
import dev.braid.Runnable;
import dev.braid.StrOutputParser;
import dev.braid.VectorStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

public final class RagSample {
    private RagSample() {}

    // The text of a JSON string (what the string parser streams): the escapes an answer holds are decoded.
    static String unquote(String json) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < json.length() - 1; ++i) {
            char c = json.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = json.charAt(++i);
            switch (e) {
                case 'n': out.append('\n'); break;
                case 't': out.append('\t'); break;
                case 'r': out.append('\r'); break;
                case 'u': out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16)); i += 4; break;
                default: out.append(e);
            }
        }
        return out.toString();
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 4) {
            System.err.println("usage: RagSample DOCS EMBED.gguf CHAT.gguf CHATML.jinja [STORE.sqlite]");
            System.exit(2);
        }
        Path embedPath = Paths.get(args[1]);
        String store = args.length > 4 ? args[4] : "braid_rag_java.sqlite";
        try (Model embedModel = Model.load(embedPath);
             LocalEmbeddings local = LocalEmbeddings.create(embedModel, new LocalEmbeddingsOptions());
             // the identity names the model file: the cache keys on it
             CachedEmbeddings cached = CachedEmbeddings.create(local, store, embedPath.getFileName().toString());
             VectorStore vectors = VectorStore.create("{\"type\": \"sqlite\", \"path\": " + Json.quote(store) + "}", cached)) {
            // small chunks, so that the three retrieved ones fit the tiny chat model's prompt
            System.out.println("indexed: " + vectors.indexDirectory(args[0], store,
                "{\"namespace\": \"braid_sample_rag\", \"split\": {\"chunk_size\": 300, \"chunk_overlap\": 40}}"));
            try (Model chatModel = Model.load(Paths.get(args[2]))) {
                LocalChatModelOptions options = new LocalChatModelOptions().nSeqMax(1).nCtx(4096)
                    .defaults("{\"temperature\": 0, \"max_tokens\": 64}");
                if (!chatModel.chatTemplate().isPresent()) { // stories260K has none: ChatML, as its tests use
                    options.chatTemplate(new String(Files.readAllBytes(Paths.get(args[3])), StandardCharsets.UTF_8));
                }
                try (Runnable retriever = vectors.asRetriever("{\"k\": 3}");
                     ChatPromptTemplate prompt = ChatPromptTemplate.builder()
                         .system("Answer the question from the numbered sources below and cite them as [n].\n\n{context}")
                         .user("{question}")
                         .build();
                     LocalChatModel chat = LocalChatModel.create(chatModel, options);
                     StrOutputParser parser = new StrOutputParser();
                     Runnable chain = prompt.pipe(chat).pipe(parser)) {
                    answerQuestions(retriever, chain);
                }
            }
        }
    }

    static void answerQuestions(Runnable retriever, Runnable chain) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.print("question> ");
        for (String question; (question = in.readLine()) != null; System.out.print("question> ")) {
            if (question.isEmpty()) {
                continue;
            }
            String sources = retriever.invoke(Json.quote(question));
            String context = Retrieval.formatDocuments(sources, null);
            StringBuilder answer = new StringBuilder();
            chain.stream("{\"question\": " + Json.quote(question) + ", \"context\": " + Json.quote(context) + "}", chunk -> {
                String piece = unquote(chunk);
                System.out.print(piece);
                System.out.flush();
                answer.append(piece);
                return true;
            });
            // the sources as a list: the same formatter, another template
            System.out.println("\n\nSources:\n"
                + Retrieval.formatDocuments(sources, "{\"template\": \"  [{index}] {source}\", \"separator\": \"\\n\"}"));
            String cited = Retrieval.parseCitations(answer.toString(), sources);
            System.out.println("Cited by the answer: " + cited.substring(1, cited.indexOf(']') + 1));
        }
        System.out.println();
    }
}
