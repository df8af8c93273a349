// braid-cli's command registry: each cmd_<name>.cpp defines one command and registers it with
// `static const braid::cli::Registration reg{{"name", "one-line help", run}};`.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace braid::cli {

/// The arguments after the command name, with small helpers for `--flag value` options.
class Args {
public:
    explicit Args(std::vector<std::string> args) : args_(std::move(args)) {}

    /// True (and consumed) when the flag is present, e.g. has("--json").
    bool has(const std::string& flag);
    /// The value after @p flag (consumed), or @p fallback when absent; throws when the value is missing.
    std::string value(const std::string& flag, const std::string& fallback = {});
    /// True when @p flag is present with a value (does not consume).
    bool present(const std::string& flag) const;
    /// Remaining positional arguments (call after all flags are consumed); an unknown `--x` is an error.
    std::vector<std::string> positional() const;

private:
    std::vector<std::string> args_;
    std::vector<bool> used_ = std::vector<bool>(args_.size(), false);
};

/// One command: its name, a one-line help text and its entry point (returns the exit code).
struct Command {
    std::string name;
    std::string help;
    std::function<int(Args&)> run;
};

/// Registers a command at static-initialization time.
struct Registration {
    explicit Registration(Command command);
};

/// A line of a prompt or case file: `\n` and `\t` stand for newline and tab, `\\` for a backslash.
std::string unescape_line(const std::string& line);

/// Every registered command, sorted by name.
const std::vector<Command>& commands();

} // namespace braid::cli
