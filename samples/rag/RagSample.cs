// braid RAG from C#: the C++ sample (main.cpp) through the C# binding. A folder is indexed into an SQLite store
// (VectorStore.IndexDirectory: only what changed since the last run is embedded, through the embeddings cache),
// then each stdin line is a question: the retriever finds 3 chunks, Retrieval.FormatDocuments numbers them for the
// prompt, prompt | LocalChatModel | parser streams the answer, and the sources are listed with those the answer cites.
//
//   mono RagSample.exe DOCS EMBED.gguf CHAT.gguf CHATML.jinja [STORE.sqlite]
//
// With the shipped tiny models (random or toy weights) the answers are nonsense; give real GGUF models (bge-small,
// a Qwen2.5-Instruct) for real answers.
using System;
using System.IO;
using System.Text;
using Braid;

public static class RagSample
{
    // The text of a JSON string (what the string parser streams): the escapes an answer holds are decoded.
    static string Unquote(string json)
    {
        var text = new StringBuilder();
        for (int i = 1; i < json.Length - 1; ++i)
        {
            char c = json[i];
            if (c != '\\')
            {
                text.Append(c);
                continue;
            }
            char e = json[++i];
            if (e == 'n') text.Append('\n');
            else if (e == 't') text.Append('\t');
            else if (e == 'r') text.Append('\r');
            else if (e == 'u') { text.Append((char)Convert.ToInt32(json.Substring(i + 1, 4), 16)); i += 4; }
            else text.Append(e);
        }
        return text.ToString();
    }

    public static int Main(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("usage: RagSample.exe DOCS EMBED.gguf CHAT.gguf CHATML.jinja [STORE.sqlite]");
            return 2;
        }
        string store = args.Length > 4 ? args[4] : "braid_rag_csharp.sqlite";
        using (Model embedModel = Model.Load(args[1]))
        using (LocalEmbeddings local = LocalEmbeddings.Create(embedModel))
        // the identity names the model file: the cache keys on it
        using (CachedEmbeddings cached = CachedEmbeddings.Create(local, store, Path.GetFileName(args[1])))
        using (VectorStore vectors = VectorStore.Create("{\"type\": \"sqlite\", \"path\": " + Json.Quote(store) + "}", cached))
        {
            // small chunks, so that the three retrieved ones fit the tiny chat model's prompt
            Console.WriteLine("indexed: " + vectors.IndexDirectory(args[0], store,
                "{\"namespace\": \"braid_sample_rag\", \"split\": {\"chunk_size\": 300, \"chunk_overlap\": 40}}"));
            using (Model chatModel = Model.Load(args[2]))
            {
                var options = new LocalChatModelOptions { NSeqMax = 1, NCtx = 4096, DefaultsJson = "{\"temperature\": 0, \"max_tokens\": 64}" };
                if (chatModel.ChatTemplate == null) // stories260K has none: ChatML, as its tests use
                    options.ChatTemplate = File.ReadAllText(args[3]);
                using (Runnable retriever = vectors.AsRetriever("{\"k\": 3}"))
                using (ChatPromptTemplate prompt = ChatPromptTemplate.Create()
                           .System("Answer the question from the numbered sources below and cite them as [n].\n\n{context}")
                           .User("{question}")
                           .Build())
                using (LocalChatModel chat = LocalChatModel.Create(chatModel, options))
                using (StrOutputParser parser = new StrOutputParser())
                using (Runnable chain = prompt.Pipe(chat).Pipe(parser))
                {
                    AnswerQuestions(retriever, chain);
                }
            }
        }
        return 0;
    }

    static void AnswerQuestions(Runnable retriever, Runnable chain)
    {
        Console.Write("question> ");
        for (string question; (question = Console.ReadLine()) != null; Console.Write("question> "))
        {
            if (question.Length == 0)
                continue;
            string sources = retriever.Invoke(Json.Quote(question));
            string context = Retrieval.FormatDocuments(sources);
            var answer = new StringBuilder();
            foreach (string chunk in chain.Stream("{\"question\": " + Json.Quote(question) + ", \"context\": " + Json.Quote(context) + "}"))
            {
                string piece = Unquote(chunk);
                Console.Write(piece);
                answer.Append(piece);
            }
            // the sources as a list: the same formatter, another template
            Console.WriteLine("\n\nSources:\n" + Retrieval.FormatDocuments(sources, "{\"template\": \"  [{index}] {source}\", \"separator\": \"\\n\"}"));
            string cited = Retrieval.ParseCitations(answer.ToString(), sources);
            Console.WriteLine("Cited by the answer: " + cited.Substring(1, cited.IndexOf(']')));
        }
        Console.WriteLine();
    }
}
