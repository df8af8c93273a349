// braid-cli: the command-line front end of braid's engine. `braid-cli help` lists the commands.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>

#include "braid/error.hpp"
#include "command.hpp"

namespace braid::cli {

namespace {
std::vector<Command>& registry() {
    static std::vector<Command> all;
    return all;
}
} // namespace

Registration::Registration(Command command) {
    auto& all = registry();
    all.push_back(std::move(command));
    std::sort(all.begin(), all.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
}

const std::vector<Command>& commands() { return registry(); }

std::string unescape_line(const std::string& line) {
    std::string out;
    out.reserve(line.size());
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) {
            const char c = line[i + 1];
            if (c == 'n' || c == 't' || c == '\\') {
                out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : '\\');
                ++i;
                continue;
            }
        }
        out.push_back(line[i]);
    }
    return out;
}

bool Args::has(const std::string& flag) {
    for (size_t i = 0; i < args_.size(); ++i) {
        if (!used_[i] && args_[i] == flag) {
            used_[i] = true;
            return true;
        }
    }
    return false;
}

bool Args::present(const std::string& flag) const {
    for (size_t i = 0; i < args_.size(); ++i)
        if (!used_[i] && args_[i] == flag) return true;
    return false;
}

std::string Args::value(const std::string& flag, const std::string& fallback) {
    for (size_t i = 0; i < args_.size(); ++i) {
        if (used_[i] || args_[i] != flag) continue;
        if (i + 1 >= args_.size()) throw Error(errc::invalid_argument, "option " + flag + " needs a value");
        used_[i] = used_[i + 1] = true;
        return args_[i + 1];
    }
    return fallback;
}

std::vector<std::string> Args::positional() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < args_.size(); ++i) {
        if (used_[i]) continue;
        if (args_[i].size() > 1 && args_[i][0] == '-')
            throw Error(errc::invalid_argument, "unknown option " + args_[i]);
        out.push_back(args_[i]);
    }
    return out;
}

} // namespace braid::cli

static int usage(FILE* out) {
    std::fprintf(out, "usage: braid-cli <command> [options]\n\ncommands:\n");
    for (const auto& c : braid::cli::commands()) std::fprintf(out, "  %-12s %s\n", c.name.c_str(), c.help.c_str());
    return out == stdout ? 0 : 2;
}

int main(int argc, char** argv) {
    if (argc < 2) return usage(stderr);
    const std::string name = argv[1];
    if (name == "help" || name == "--help" || name == "-h") return usage(stdout);
    for (const auto& c : braid::cli::commands()) {
        if (c.name != name) continue;
        braid::cli::Args args(std::vector<std::string>(argv + 2, argv + argc));
        try {
            return c.run(args);
        } catch (const braid::Error& e) {
            std::fprintf(stderr, "braid-cli %s: error (%s): %s\n", name.c_str(), braid::errc_name(e.kind()), e.what());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "braid-cli %s: error: %s\n", name.c_str(), e.what());
        }
        return 1;
    }
    std::fprintf(stderr, "braid-cli: unknown command '%s'\n\n", name.c_str());
    return usage(stderr);
}
