// Separators per language: LangChain's RecursiveCharacterTextSplitter.get_separators_for_language lists
// (facts, in the same order), and Chinese-aware ones.
#include "braid/error.hpp"
#include "braid/retrieval/text_splitter.hpp"

namespace braid::retrieval {

std::vector<std::string> separators_for_language(Language language) {
    switch (language) {
    case Language::c:
    case Language::cpp:
        return {"\nclass ", "\nvoid ", "\nint ", "\nfloat ", "\ndouble ", "\nif ", "\nfor ", "\nwhile ",
                "\nswitch ", "\ncase ", "\n\n", "\n", " ", ""};
    case Language::csharp:
        return {"\ninterface ", "\nenum ", "\nimplements ", "\ndelegate ", "\nevent ", "\nclass ", "\nabstract ",
                "\npublic ", "\nprotected ", "\nprivate ", "\nstatic ", "\nreturn ", "\nif ", "\ncontinue ",
                "\nfor ", "\nforeach ", "\nwhile ", "\nswitch ", "\nbreak ", "\ncase ", "\nelse ", "\ntry ",
                "\nthrow ", "\nfinally ", "\ncatch ", "\n\n", "\n", " ", ""};
    case Language::java:
        return {"\nclass ", "\npublic ", "\nprotected ", "\nprivate ", "\nstatic ", "\nif ", "\nfor ",
                "\nwhile ", "\nswitch ", "\ncase ", "\n\n", "\n", " ", ""};
    case Language::python:
        return {"\nclass ", "\ndef ", "\n\tdef ", "\n\n", "\n", " ", ""};
    case Language::js:
        return {"\nfunction ", "\nconst ", "\nlet ", "\nvar ", "\nclass ", "\nif ", "\nfor ", "\nwhile ",
                "\nswitch ", "\ncase ", "\ndefault ", "\n\n", "\n", " ", ""};
    case Language::ts:
        return {"\nenum ", "\ninterface ", "\nnamespace ", "\ntype ", "\nclass ", "\nfunction ", "\nconst ",
                "\nlet ", "\nvar ", "\nif ", "\nfor ", "\nwhile ", "\nswitch ", "\ncase ", "\ndefault ",
                "\n\n", "\n", " ", ""};
    case Language::lua:
        return {"\nlocal ", "\nfunction ", "\nif ", "\nfor ", "\nwhile ", "\nrepeat ", "\n\n", "\n", " ", ""};
    case Language::markdown: // regular expressions: headings, fenced code, horizontal rules
        return {"\n#{1,6} ", "```\n", "\n\\*\\*\\*+\n", "\n---+\n", "\n___+\n", "\n\n", "\n", " ", ""};
    case Language::html:
        return {"<body", "<div", "<p", "<br", "<li", "<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<span",
                "<table", "<tr", "<td", "<th", "<ul", "<ol", "<header", "<footer", "<nav", "<head", "<style",
                "<script", "<meta", "<title", ""};
    case Language::chinese: // paragraphs, lines, then full-width sentence and clause punctuation
        return {"\n\n", "\n", "。", "！", "？", "；", "，", "、", " ", ""};
    }
    throw Error(errc::invalid_argument, "separators_for_language: unknown language " +
                                            std::to_string(static_cast<int>(language)));
}

Language language_from_string(std::string_view name) {
    static constexpr std::pair<std::string_view, Language> kNames[] = {
        {"cpp", Language::cpp},       {"c", Language::c},       {"csharp", Language::csharp},
        {"java", Language::java},     {"python", Language::python}, {"js", Language::js},
        {"ts", Language::ts},         {"lua", Language::lua},   {"markdown", Language::markdown},
        {"html", Language::html},     {"chinese", Language::chinese}};
    for (const auto& [key, language] : kNames)
        if (key == name)
            return language;
    throw Error(errc::invalid_argument, "unknown splitter language '" + std::string(name) +
                                            "' (known: cpp, c, csharp, java, python, js, ts, lua, markdown, html, chinese)");
}

} // namespace braid::retrieval
