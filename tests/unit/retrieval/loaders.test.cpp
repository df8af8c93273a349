// Loaders: text (UTF-8 checks), Markdown front matter, CSV (RFC 4180), JSON / JSON Lines pointers, HTML
// visible text, PDF pages (a minimal PDF written here), and folders with broken files among good ones.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "braid/error.hpp"
#include "braid/retrieval/loaders.hpp"

using braid::Value;
using braid::errc;
using namespace braid::retrieval;
namespace fs = std::filesystem;

// Named (not anonymous): the test files of a folder are compiled as one unity translation unit.
namespace loaders_test {

const fs::path kData = fs::path(BRAID_TEST_DATA_DIR) / "retrieval";

/// The error a stream throws while being collected ("" and errc::internal when none).
std::pair<errc, std::string> failure(braid::Stream<Document> stream) {
    try {
        (void)stream.collect();
    } catch (const braid::Error& e) {
        return {e.kind(), e.what()};
    }
    return {errc::internal, ""};
}

/// A minimal PDF (one Helvetica font, one text line per page) with a correct xref table; @p encrypted adds
/// a standard security handler whose user password is not empty, so readers must ask for it.
std::string make_pdf(const std::vector<std::string>& pages, bool encrypted = false) {
    std::vector<std::string> objects; // object i+1
    const std::size_t font = 3 + 2 * pages.size();
    std::string kids;
    for (std::size_t i = 0; i < pages.size(); ++i)
        kids += std::to_string(3 + 2 * i) + " 0 R ";
    objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
    objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>");
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const std::string content = "BT /F1 12 Tf 20 100 Td (" + pages[i] + ") Tj ET";
        objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << /Font << /F1 " +
                          std::to_string(font) + " 0 R >> >> /Contents " + std::to_string(4 + 2 * i) + " 0 R >>");
        objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream");
    }
    objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    if (encrypted)
        objects.push_back("<< /Filter /Standard /V 1 /R 2 /P -4 /O <" + std::string(64, 'a') + "> /U <" +
                          std::string(64, 'b') + "> >>");
    std::string pdf = "%PDF-1.4\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(pdf.size());
        pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const std::size_t xref = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (std::size_t offset : offsets) {
        char line[32];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
        pdf += line;
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R";
    if (encrypted)
        pdf += " /Encrypt " + std::to_string(objects.size()) + " 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]";
    pdf += " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return pdf;
}

/// A temporary folder removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string name = (fs::temp_directory_path() / "braid-loaders-XXXXXX").string();
        REQUIRE(::mkdtemp(name.data()) != nullptr);
        path = name;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path write(const std::string& name, const std::string& bytes) const {
        const fs::path file = path / name;
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << bytes;
        return file;
    }
};

} // namespace loaders_test

using namespace loaders_test;

TEST_CASE("[loaders] text: UTF-8 checked, BOM dropped, io errors name the path", "[unit]") {
    CHECK(load_text_string("\xEF\xBB\xBFhi \xC3\xA9", "s").collect() == Documents{Document{"hi \xC3\xA9", Value{{"source", "s"}}, ""}});
    auto [code, message] = failure(load_text_string("ok\xC3\x28 rest", "notes.txt"));
    CHECK(code == errc::parse);
    CHECK_THAT(message, Catch::Contains("notes.txt") && Catch::Contains("byte offset 2"));
    // Overlong encodings and surrogates are malformed too; the offset counts the BOM.
    CHECK_THAT(failure(load_text_string("\xEF\xBB\xBF" "ab\xC0\xAF", "x")).second, Catch::Contains("byte offset 5"));
    CHECK_THAT(failure(load_text_string("\xED\xA0\x80", "x")).second, Catch::Contains("byte offset 0"));
    const auto bad = failure(load_text(kData / "folder" / "sub" / "latin1.txt"));
    CHECK(bad.first == errc::parse);
    CHECK_THAT(bad.second, Catch::Contains("latin1.txt") && Catch::Contains("byte offset 11"));
    const auto missing = failure(load_text(kData / "no-such-file.txt"));
    CHECK(missing.first == errc::io);
    CHECK_THAT(missing.second, Catch::Contains("no-such-file.txt"));
    CHECK(failure(load_text(kData / "folder")).first == errc::io); // a directory is not readable as a file
    // Lazy: nothing is read before the first pull.
    auto stream = load_text(kData / "no-such-file.txt");
    CHECK_THROWS_AS(stream.next(), braid::Error);
}

TEST_CASE("[loaders] Markdown front matter goes into metadata", "[unit]") {
    const Documents docs = load_markdown(kData / "folder" / "guide.md").collect();
    REQUIRE(docs.size() == 1);
    CHECK(docs[0].page_content == "# Swords\n\nSwords need oil.\n");
    CHECK(docs[0].metadata == Value{{"source", (kData / "folder" / "guide.md").generic_string()}, {"title", "Oiling swords"},
                                    {"level", 3}, {"draft", false}});
    // Nested front matter is kept as text; no front matter leaves the text alone; the option turns it off.
    const Document nested = load_markdown_string("---\ntags:\n  - a\n---\nbody", "n").collect().at(0);
    CHECK(nested.page_content == "body");
    CHECK(nested.metadata["front_matter"] == "tags:\n  - a\n");
    CHECK(load_markdown_string("---\nno end\n", "n").collect().at(0).page_content == "---\nno end\n");
    CHECK(load_markdown_string("---\na: 1\n---\nx", "n", {.front_matter = false}).collect().at(0).page_content == "---\na: 1\n---\nx");
}

TEST_CASE("[loaders] CSV rows with quoting, embedded newlines, column options", "[unit]") {
    const Documents rows = load_csv(kData / "folder" / "sub" / "npcs.csv").collect();
    const std::string source = (kData / "folder" / "sub" / "npcs.csv").generic_string();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0] == Document{"name: Aria\nbio: Smith, of the\nnorth", Value{{"source", source}, {"row", 0}}, ""});
    CHECK(rows[1] == Document{"name: Bren\nbio: Trader", Value{{"source", source}, {"row", 1}}, ""});
    const std::string text = "id;text;who\r\n1;\"say \"\"hi\"\"\";ann\r\n\r\n2;bye;bob";
    const Documents picked =
        load_csv_string(text, "t.csv", {.delimiter = ';', .content_columns = {"text"}, .metadata_columns = {"who"}, .source_column = "id"}).collect();
    CHECK(picked == Documents{Document{"text: say \"hi\"", Value{{"source", "1"}, {"row", 0}, {"who", "ann"}}, ""},
                              Document{"text: bye", Value{{"source", "2"}, {"row", 1}, {"who", "bob"}}, ""}});
    CHECK(load_csv_string("a,b\n1,2\n", "h", {.has_header = false}).collect().at(1).page_content == "0: 1\n1: 2");
}

TEST_CASE("[loaders] malformed CSV names the line", "[unit]") {
    const auto unterminated = failure(load_csv(kData / "folder" / "sub" / "broken.csv"));
    CHECK(unterminated.first == errc::parse);
    CHECK_THAT(unterminated.second, Catch::Contains("broken.csv: line 2") && Catch::Contains("unterminated"));
    CHECK_THAT(failure(load_csv_string("a,b\n1,2\n3\n", "c")).second, Catch::Contains("line 3") && Catch::Contains("1 fields"));
    CHECK_THAT(failure(load_csv_string("a,b\n1,x\"y\n", "c")).second, Catch::Contains("line 2") && Catch::Contains("quote"));
    CHECK_THAT(failure(load_csv_string("a,b\n\"1\"x,2\n", "c")).second, Catch::Contains("line 2"));
    const auto column = failure(load_csv_string("a,b\n1,2\n", "c", {.content_columns = {"z"}}));
    CHECK(column.first == errc::invalid_argument);
    CHECK_THAT(column.second, Catch::Contains("'z'"));
    // Rows before the bad one arrive first.
    auto stream = load_csv_string("a\n1\n\"2\n", "c");
    CHECK(stream.next()->page_content == "a: 1");
    CHECK_THROWS_AS(stream.next(), braid::Error);
}

TEST_CASE("[loaders] JSON and JSON Lines with pointers", "[unit]") {
    const std::string json = R"({"npcs": [{"name": "Aria", "bio": {"text": "smith"}, "age": 30}, {"name": "Bren", "bio": {"text": "trader"}, "age": 41}]})";
    const Documents docs = load_json_string(json, "n.json", {.items_pointer = "/npcs", .content_pointer = "/bio/text",
                                                               .metadata_pointers = {{"name", "/name"}, {"age", "/age"}}}).collect();
    CHECK(docs == Documents{Document{"smith", Value{{"source", "n.json"}, {"seq_num", 1}, {"age", 30}, {"name", "Aria"}}, ""},
                            Document{"trader", Value{{"source", "n.json"}, {"seq_num", 2}, {"age", 41}, {"name", "Bren"}}, ""}});
    // A non-string content is its JSON text; a non-array item is one document.
    CHECK(load_json_string(R"({"a": {"b": [1, 2]}})", "j", {.content_pointer = "/a/b"}).collect().at(0).page_content == "[1,2]");
    CHECK_THAT(failure(load_json_string(R"([{"x": 1}])", "j", {.content_pointer = "/y"})).second,
               Catch::Contains("item 0") && Catch::Contains("'/y'"));
    CHECK_THAT(failure(load_json_string("{\"a\": ", "j")).second, Catch::Contains("invalid JSON"));
    // A number beyond a double's range is a parse error too (found by the fuzz target).
    CHECK(failure(load_json_lines_string("1e999999\n", "big.jsonl")).first == errc::parse);
    CHECK(failure(load_json_string("[]", "j", {.content_pointer = "no-slash"})).first == errc::internal); // no items: no pointer use

    const Documents lines = load_json_lines_string("{\"t\": \"a\"}\n\n{\"t\": \"b\"}\n", "l.jsonl", {.content_pointer = "/t"}).collect();
    CHECK(lines == Documents{Document{"a", Value{{"source", "l.jsonl"}, {"seq_num", 1}, {"line", 1}}, ""},
                             Document{"b", Value{{"source", "l.jsonl"}, {"seq_num", 2}, {"line", 3}}, ""}});
    auto stream = load_json_lines(kData / "folder" / "sub" / "events.jsonl", {.content_pointer = "/text"});
    CHECK(stream.next()->page_content == "first");
    try {
        (void)stream.next();
        FAIL("a bad line must be an error");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == errc::parse);
        CHECK_THAT(std::string(e.what()), Catch::Contains("events.jsonl: line 2"));
    }
}

TEST_CASE("[loaders] HTML visible text and title (a Debian doc page)", "[unit]") {
    const Documents docs = load_html(kData / "html" / "Thread-Safety.html").collect();
    REQUIRE(docs.size() == 1);
    const Document& page = docs[0];
    CHECK(page.metadata["title"] == "Thread Safety (libffi: the portable foreign function interface library)");
    CHECK_THAT(page.page_content, Catch::Contains("2.7 Thread Safety\n\nlibffi is not completely thread-safe. However, many parts are, and"));
    CHECK_THAT(page.page_content, !Catch::Contains("copiable-anchor")); // the style sheet
    CHECK_THAT(page.page_content, !Catch::Contains("Permission is hereby granted")); // a comment
    const Document small = load_html_string(
        "<html><head><title> A  page </title><style>p{}</style></head><body><script>var x;</script>"
        "<h1>Head</h1><p>one\n   two<br>three</p><ul><li>x</li><li>y</li></ul><pre>a  b\n c</pre>"
        "<noscript>no</noscript><template>t</template><table><tr><td>1</td><td>2</td></tr></table>&amp;</body></html>",
        "s.html").collect().at(0);
    CHECK(small.metadata == Value{{"source", "s.html"}, {"title", "A page"}});
    CHECK(small.page_content == "Head\n\none two\nthree\n\nx\ny\n\na  b\n c\n\n1 2\n\n&");
    // Latin-1 declared: converted; undeclared invalid bytes: an error with the offset.
    CHECK(load_html_string("<meta charset=\"iso-8859-1\"><p>caf\xE9</p>", "l").collect().at(0).page_content == "caf\xC3\xA9");
    CHECK_THAT(failure(load_html_string("<p>caf\xE9</p>", "l.html")).second, Catch::Contains("l.html") && Catch::Contains("byte offset 6"));
}

TEST_CASE("[loaders] PDF pages, 0-based, with the total", "[unit]") {
    const Documents pages = load_pdf_bytes(make_pdf({"Hello page one", "Second page"}), "m.pdf").collect();
    REQUIRE(pages.size() == 2);
    CHECK_THAT(pages[0].page_content, Catch::Contains("Hello page one"));
    CHECK_THAT(pages[1].page_content, Catch::Contains("Second page"));
    CHECK(pages[1].metadata == Value{{"source", "m.pdf"}, {"page", 1}, {"total_pages", 2}});
    const TempDir dir;
    const fs::path file = dir.write("doc.pdf", make_pdf({"From a file"}));
    const Documents from_file = load_pdf(file).collect();
    REQUIRE(from_file.size() == 1);
    CHECK_THAT(from_file[0].page_content, Catch::Contains("From a file"));
    CHECK(from_file[0].metadata["page"] == 0);

    const auto locked = failure(load_pdf_bytes(make_pdf({"secret"}, true), "locked.pdf"));
    CHECK(locked.first == errc::unsupported);
    CHECK_THAT(locked.second, Catch::Contains("locked.pdf") && Catch::Contains("encrypted"));
    const auto broken = failure(load_pdf(kData / "folder" / "sub" / "broken.pdf"));
    CHECK(broken.first == errc::parse);
    CHECK_THAT(broken.second, Catch::Contains("broken.pdf"));
    CHECK(failure(load_pdf_bytes("", "empty.pdf")).first == errc::parse);
    CHECK(failure(load_pdf(dir.path / "missing.pdf")).first == errc::io);
}

TEST_CASE("[loaders] glob patterns", "[unit]") {
    CHECK(glob_match("**/*.md", "a.md"));
    CHECK(glob_match("**/*.md", "x/y/a.md"));
    CHECK_FALSE(glob_match("*.md", "x/a.md"));
    CHECK(glob_match("x/**/b?.t[a-z]t", "x/1/2/bc.txt"));
    CHECK_FALSE(glob_match("x/**/b?.t[!x]t", "x/bc.txt"));
    CHECK(glob_match("**", "any/thing"));
    CHECK(glob_match("sub/*", "sub/a.csv"));
    CHECK_FALSE(glob_match("sub/*", "sub/deeper/a.csv"));
}

TEST_CASE("[loaders] folder: sorted, hidden skipped, broken files reported, the rest loaded", "[unit]") {
    const fs::path folder = kData / "folder";
    const DirectoryLoader loader(folder);
    std::vector<std::string> files;
    for (const fs::path& path : loader.files())
        files.push_back(path.lexically_relative(folder).generic_string());
    CHECK(files == std::vector<std::string>{"data.bin", "guide.md", "notes.txt", "sub/broken.csv", "sub/broken.pdf",
                                            "sub/events.jsonl", "sub/latin1.txt", "sub/npcs.csv"});
    const DirectoryLoad all = loader.load();
    std::vector<std::string> sources;
    for (const Document& doc : all.documents)
        sources.push_back(fs::path(doc.metadata["source"].get<std::string>()).lexically_relative(folder).generic_string());
    // data.bin has no loader; events.jsonl gives its first line before the bad one.
    CHECK(sources == std::vector<std::string>{"guide.md", "notes.txt", "sub/events.jsonl", "sub/npcs.csv", "sub/npcs.csv"});
    REQUIRE(all.errors.size() == 4);
    CHECK(all.errors[0].path == folder / "sub" / "broken.csv");
    CHECK(all.errors[0].code == errc::parse);
    CHECK(all.errors[1].path == folder / "sub" / "broken.pdf");
    CHECK(all.errors[2].path == folder / "sub" / "events.jsonl");
    CHECK_THAT(all.errors[2].message, Catch::Contains("line 2"));
    CHECK(all.errors[3].path == folder / "sub" / "latin1.txt");

    // Options: patterns, no recursion, hidden files, a fallback loader.
    const auto relative = [&](const DirectoryLoader& l) {
        std::vector<std::string> out;
        for (const fs::path& path : l.files())
            out.push_back(path.lexically_relative(folder).generic_string());
        return out;
    };
    CHECK(relative(DirectoryLoader(folder, {.glob = {"**/*.csv", "*.md"}})) == std::vector<std::string>{"guide.md", "sub/broken.csv", "sub/npcs.csv"});
    CHECK(relative(DirectoryLoader(folder, {.recursive = false})) == std::vector<std::string>{"data.bin", "guide.md", "notes.txt"});
    CHECK(relative(DirectoryLoader(folder, {.glob = {"**/*.txt"}, .skip_hidden = false})) ==
          std::vector<std::string>{".dotfile.txt", ".hidden/secret.txt", "notes.txt", "sub/latin1.txt"});
    const DirectoryLoad with_fallback =
        DirectoryLoader(folder, {.glob = {"*.bin"}, .fallback = [](const fs::path& p) { return load_text(p); }}).load();
    REQUIRE(with_fallback.documents.size() == 1);
    CHECK(with_fallback.documents[0].page_content == "ignored: unknown extension\n");
    // Without an error handler the first failure is thrown.
    auto stream = DirectoryLoader(folder, {.glob = {"sub/*.csv"}}).lazy_load();
    CHECK_THROWS_AS(stream.collect(), braid::Error);
    CHECK_THROWS_AS(DirectoryLoader(folder / "missing").files(), braid::Error);
    CHECK_THROWS_AS(DirectoryLoader(folder, {.glob = {}}), braid::Error);
}

TEST_CASE("[loaders] folder: a path that cannot be opened is a per-file error, whoever runs the test", "[unit]") {
    // Tests run as root, who reads a file without read permission: a dangling symlink fails to open for
    // anyone. A folder named like a text file is walked, not loaded; a FIFO is not a regular file and is
    // skipped (opening it would block).
    const fs::path folder = fs::temp_directory_path() / ("braid_loader_unopenable_" + std::to_string(::getpid()));
    fs::remove_all(folder);
    fs::create_directories(folder / "folder.txt");
    std::ofstream(folder / "good.txt") << "readable";
    fs::create_symlink(folder / "missing.txt", folder / "dangling.txt");
    REQUIRE(::mkfifo((folder / "pipe.txt").c_str(), 0600) == 0);
    const DirectoryLoad all = DirectoryLoader(folder, {.glob = {"*.txt"}}).load();
    REQUIRE(all.documents.size() == 1);
    CHECK(all.documents[0].page_content == "readable");
    REQUIRE(all.errors.size() == 1);
    CHECK(all.errors[0].path == folder / "dangling.txt");
    CHECK(all.errors[0].code == errc::io);
    CHECK_THAT(all.errors[0].message, Catch::Contains("dangling.txt"));
    fs::remove_all(folder);
}
