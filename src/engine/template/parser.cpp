#include "engine/template/parser.hpp"

#include <algorithm>
#include <initializer_list>

#include "engine/template/builtins.hpp"

namespace braid::jinja {

namespace {

using Kind = Token::Kind;

// The tags whose bodies are compiled as functions by Jinja: `break` cannot reach a loop outside them.
struct LoopReset {
    int& depth;
    int saved;
    explicit LoopReset(int& d) : depth(d), saved(d) { depth = 0; }
    ~LoopReset() { depth = saved; }
};

class Parser {
public:
    explicit Parser(const std::vector<Token>& tokens) : tokens_(tokens) {}

    Body run() {
        Body body = subparse({});
        if (cur().kind != Kind::eof) fail(cur(), "unexpected " + describe(cur()));
        return body;
    }

private:
    // ---- token stream ----

    const Token& cur() const { return tokens_[pos_]; }
    const Token& peek(std::size_t ahead = 1) const {
        return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
    }
    const Token& next() {
        const Token& t = tokens_[pos_];
        if (pos_ + 1 < tokens_.size()) ++pos_;
        return t;
    }
    bool is_op(const char* op) const { return cur().kind == Kind::op && cur().text == op; }
    bool is_name(const char* name) const { return cur().kind == Kind::name && cur().text == name; }
    bool skip_op(const char* op) {
        if (!is_op(op)) return false;
        next();
        return true;
    }
    bool skip_name(const char* name) {
        if (!is_name(name)) return false;
        next();
        return true;
    }

    static std::string describe(const Token& t) {
        switch (t.kind) {
        case Kind::text: return "template data";
        case Kind::var_begin: return "'{{'";
        case Kind::var_end: return "end of print statement";
        case Kind::block_begin: return "'{%'";
        case Kind::block_end: return "end of statement block";
        case Kind::name: return "'" + t.text + "'";
        case Kind::string: return "string";
        case Kind::integer: return "integer";
        case Kind::floating: return "float";
        case Kind::op: return "'" + t.text + "'";
        case Kind::eof: return "end of template";
        }
        return "token";
    }

    [[noreturn]] static void fail(const Token& at, std::string message) {
        throw Failure{FailureKind::syntax, std::move(message), at.offset};
    }

    void expect_op(const char* op) {
        if (!skip_op(op)) fail(cur(), std::string("expected '") + op + "', got " + describe(cur()));
    }
    const Token& expect_name() {
        if (cur().kind != Kind::name) fail(cur(), "expected a name, got " + describe(cur()));
        return next();
    }
    void expect_block_end() {
        if (cur().kind != Kind::block_end) fail(cur(), "expected end of statement block, got " + describe(cur()));
        next();
    }

    struct DepthGuard {
        Parser& p;
        explicit DepthGuard(Parser& parser, const Token& at) : p(parser) {
            if (++p.depth_ > max_parse_depth)
                fail(at, "template nested more than " + std::to_string(max_parse_depth) + " levels deep");
        }
        ~DepthGuard() { --p.depth_; }
    };

    // Bounds the depth of an expression tree: chains such as `a + b + c ...` or `x|f|f|f ...` are built
    // without recursion, but evaluating and destroying them recurses once per level.
    static ExprPtr seal(ExprPtr e) {
        unsigned deepest = 0;
        for (const auto& a : e->args)
            if (a) deepest = std::max(deepest, a->depth);
        for (const auto& [k, v] : e->kwargs) deepest = std::max(deepest, v->depth);
        if (e->dyn_args) deepest = std::max(deepest, e->dyn_args->depth);
        if (e->dyn_kwargs) deepest = std::max(deepest, e->dyn_kwargs->depth);
        e->depth = deepest + 1;
        if (e->depth > max_expression_depth)
            throw Failure{FailureKind::syntax, "expression nested more than " + std::to_string(max_expression_depth) +
                                                   " levels deep", e->offset};
        return e;
    }

    static ExprPtr make(ExprKind kind, std::size_t offset) {
        auto e = std::make_unique<Expr>();
        e->kind = kind;
        e->offset = offset;
        return e;
    }

    // ---- statements ----

    // Parses until a block tag whose name is one of @p end_tags (left as the current token) or the end.
    Body subparse(std::initializer_list<const char*> end_tags) {
        Body body;
        while (cur().kind != Kind::eof) {
            const Token& t = cur();
            if (t.kind == Kind::text) {
                Node n;
                n.kind = NodeKind::text;
                n.offset = t.offset;
                n.text = t.text;
                body.push_back(std::move(n));
                next();
            } else if (t.kind == Kind::var_begin) {
                next();
                Node n;
                n.kind = NodeKind::output;
                n.offset = cur().offset;
                n.expr = parse_tuple(false, true, nullptr, false);
                if (cur().kind != Kind::var_end) fail(cur(), "expected end of print statement, got " + describe(cur()));
                next();
                body.push_back(std::move(n));
            } else if (t.kind == Kind::block_begin) {
                next();
                if (cur().kind == Kind::name)
                    for (const char* end : end_tags)
                        if (cur().text == end) return body;
                parse_statement(body);
                expect_block_end();
            } else {
                fail(t, "unexpected " + describe(t));
            }
        }
        return body;
    }

    // Skips an optional colon, the block end, and parses a body up to one of @p end_tags; with
    // @p drop_end the end tag's name is consumed.
    Body parse_statements(std::initializer_list<const char*> end_tags, bool drop_end, const Token& opener) {
        DepthGuard guard(*this, opener);
        skip_op(":");
        expect_block_end();
        Body body = subparse(end_tags);
        if (cur().kind == Kind::eof) {
            std::string names;
            for (const char* e : end_tags) names += std::string(names.empty() ? "" : " or ") + "'" + e + "'";
            fail(opener, "unexpected end of template: '" + opener.text + "' needs " + names);
        }
        if (drop_end) next();
        return body;
    }

    void parse_statement(Body& body) {
        const Token& t = cur();
        if (t.kind != Kind::name) fail(t, "tag name expected");
        const std::string& tag = t.text;
        Node n;
        n.offset = t.offset;
        if (tag == "for") {
            parse_for(n);
        } else if (tag == "if") {
            parse_if(n);
        } else if (tag == "set") {
            parse_set(n);
        } else if (tag == "macro") {
            parse_macro(n);
        } else if (tag == "call") {
            parse_call_block(n);
        } else if (tag == "filter") {
            next();
            n.kind = NodeKind::filter_block;
            n.expr = parse_filter(nullptr, true);
            n.body = parse_statements({"endfilter"}, true, t);
        } else if (tag == "with") {
            parse_with(n);
        } else if (tag == "break" || tag == "continue") {
            if (loop_depth_ == 0) fail(t, "'" + tag + "' outside loop");
            n.kind = tag == "break" ? NodeKind::break_ : NodeKind::continue_;
            next();
        } else if (tag == "generation") {
            // transformers' AssistantTracker: a call block whose caller renders the body.
            next();
            LoopReset reset(loop_depth_);
            n.kind = NodeKind::scope;
            n.body = parse_statements({"endgeneration"}, true, t);
        } else if (tag == "print") {
            next();
            bool first = true;
            while (cur().kind != Kind::block_end) {
                if (!first) expect_op(",");
                first = false;
                Node out;
                out.kind = NodeKind::output;
                out.offset = cur().offset;
                out.expr = parse_expression(true);
                body.push_back(std::move(out));
            }
            return;
        } else if (tag == "block" || tag == "extends" || tag == "include" || tag == "import" || tag == "from" ||
                   tag == "autoescape") {
            fail(t, "the '" + tag + "' tag is not supported in chat templates");
        } else {
            fail(t, "unknown tag '" + tag + "'");
        }
        body.push_back(std::move(n));
    }

    void parse_for(Node& n) {
        const Token& opener = next();
        n.kind = NodeKind::for_;
        n.target = parse_target(false, "in");
        if (!skip_name("in")) fail(cur(), "expected 'in', got " + describe(cur()));
        n.expr = parse_tuple(false, false, "recursive", false);
        if (skip_name("if")) n.condition = parse_expression(true);
        n.recursive = skip_name("recursive");
        {
            ++loop_depth_;
            struct Dec {
                int& d;
                ~Dec() { --d; }
            } dec{loop_depth_};
            n.body = parse_statements({"endfor", "else"}, false, opener);
        }
        if (next().text == "else") n.else_body = parse_statements({"endfor"}, true, opener);
    }

    void parse_if(Node& n) {
        const Token& opener = next();
        n.kind = NodeKind::if_;
        while (true) {
            ExprPtr cond = parse_tuple(false, false, nullptr, false);
            Body body = parse_statements({"elif", "else", "endif"}, false, opener);
            n.branches.emplace_back(std::move(cond), std::move(body));
            const Token& end = next();
            if (end.text == "elif") continue;
            if (end.text == "else") n.else_body = parse_statements({"endif"}, true, opener);
            break;
        }
    }

    void parse_set(Node& n) {
        const Token& opener = next();
        n.target = parse_target(true, nullptr);
        if (skip_op("=")) {
            n.kind = NodeKind::set;
            n.expr = parse_tuple(false, true, nullptr, false);
            return;
        }
        n.kind = NodeKind::set_block;
        if (is_op("|")) n.expr = parse_filter(nullptr, false);
        n.body = parse_statements({"endset"}, true, opener);
    }

    void parse_signature(std::vector<Param>& params) {
        expect_op("(");
        bool defaults = false;
        while (!is_op(")")) {
            if (!params.empty()) expect_op(",");
            const Token& name = expect_name();
            Param p;
            p.name = name.text;
            if (std::any_of(params.begin(), params.end(), [&](const Param& q) { return q.name == p.name; }))
                fail(name, "duplicate argument '" + p.name + "' in macro definition");
            if (skip_op("=")) {
                p.default_value = parse_expression(true);
                defaults = true;
            } else if (defaults) {
                fail(name, "non-default argument follows default argument");
            }
            params.push_back(std::move(p));
        }
        expect_op(")");
    }

    void parse_macro(Node& n) {
        const Token& opener = next();
        n.kind = NodeKind::macro;
        n.text = expect_name().text;
        parse_signature(n.params);
        LoopReset reset(loop_depth_);
        n.body = parse_statements({"endmacro"}, true, opener);
        scan_special_names(n.body, n);
    }

    void parse_call_block(Node& n) {
        const Token& opener = next();
        n.kind = NodeKind::call_block;
        if (is_op("(")) parse_signature(n.params);
        n.expr = parse_expression(true);
        if (n.expr->kind != ExprKind::call) fail(opener, "expected a call after 'call'");
        LoopReset reset(loop_depth_);
        n.body = parse_statements({"endcall"}, true, opener);
        scan_special_names(n.body, n);
    }

    void parse_with(Node& n) {
        const Token& opener = next();
        n.kind = NodeKind::with;
        while (cur().kind != Kind::block_end) {
            if (!n.assignments.empty()) expect_op(",");
            Target target = parse_target(false, nullptr);
            expect_op("=");
            n.assignments.emplace_back(std::move(target), parse_expression(true));
        }
        n.body = parse_statements({"endwith"}, true, opener);
    }

    // Jinja passes `caller`, `varargs` and `kwargs` to a macro only when its body refers to them.
    static void scan_expr(const Expr* e, Node& macro) {
        if (!e) return;
        if (e->kind == ExprKind::name) {
            if (e->name == "caller") macro.uses_caller = true;
            if (e->name == "varargs") macro.uses_varargs = true;
            if (e->name == "kwargs") macro.uses_kwargs = true;
        }
        for (const auto& a : e->args) scan_expr(a.get(), macro);
        for (const auto& [k, v] : e->kwargs) scan_expr(v.get(), macro);
        scan_expr(e->dyn_args.get(), macro);
        scan_expr(e->dyn_kwargs.get(), macro);
    }

    static void scan_special_names(const Body& body, Node& macro) {
        for (const Node& n : body) {
            scan_expr(n.expr.get(), macro);
            scan_expr(n.condition.get(), macro);
            for (const auto& [cond, b] : n.branches) {
                scan_expr(cond.get(), macro);
                scan_special_names(b, macro);
            }
            for (const auto& p : n.params) scan_expr(p.default_value.get(), macro);
            for (const auto& [t, v] : n.assignments) scan_expr(v.get(), macro);
            scan_special_names(n.body, macro);
            scan_special_names(n.else_body, macro);
        }
    }

    // An assignment target: `name`, `ns.attr` (with @p with_namespace) or a tuple of names.
    Target parse_target(bool with_namespace, const char* extra_end) {
        Target result;
        result.offset = cur().offset;
        std::vector<Target> items;
        bool is_tuple = false;
        while (true) {
            if (!items.empty()) expect_op(",");
            if (is_tuple_end(extra_end)) break;
            if (is_op("(")) {
                // `(a, b)`: a parenthesized target (a tuple only with a comma inside).
                const Token& open = next();
                DepthGuard guard(*this, open);
                Target inner = parse_target(false, nullptr);
                expect_op(")");
                items.push_back(std::move(inner));
            } else {
                const Token& name = cur();
                if (name.kind != Kind::name || name.text == "true" || name.text == "false" || name.text == "none" ||
                    name.text == "True" || name.text == "False" || name.text == "None")
                    fail(name, "can't assign to " + describe(name));
                next();
                Target t;
                t.offset = name.offset;
                t.name = name.text;
                if (with_namespace && is_op(".")) {
                    next();
                    t.attr = expect_name().text;
                }
                items.push_back(std::move(t));
            }
            if (is_op(",")) {
                is_tuple = true;
            } else {
                break;
            }
        }
        if (items.empty()) fail(cur(), "expected an assignment target, got " + describe(cur()));
        if (!is_tuple) return std::move(items.front());
        for (const Target& t : items)
            if (!t.attr.empty()) fail(cur(), "can't assign to a namespace attribute in a tuple");
        result.tuple = true;
        result.items = std::move(items);
        return result;
    }

    // ---- expressions ----

    bool is_tuple_end(const char* extra_end) const {
        if (cur().kind == Kind::var_end || cur().kind == Kind::block_end || is_op(")")) return true;
        return extra_end && is_name(extra_end);
    }

    ExprPtr parse_expression(bool with_condexpr) {
        DepthGuard guard(*this, cur());
        return with_condexpr ? parse_condexpr() : parse_or();
    }

    // Jinja's parse_tuple: `a, b` is a tuple; a single expression without a comma is itself.
    ExprPtr parse_tuple(bool simplified, bool with_condexpr, const char* extra_end, bool explicit_parens) {
        const std::size_t offset = cur().offset;
        std::vector<ExprPtr> items;
        bool is_tuple = false;
        while (true) {
            if (!items.empty()) expect_op(",");
            if (is_tuple_end(extra_end)) break;
            items.push_back(simplified ? parse_primary() : parse_expression(with_condexpr));
            if (is_op(",")) {
                is_tuple = true;
            } else {
                break;
            }
        }
        if (!is_tuple) {
            if (!items.empty()) return std::move(items.front());
            if (!explicit_parens) fail(cur(), "expected an expression, got " + describe(cur()));
        }
        auto e = make(ExprKind::tuple, offset);
        e->args = std::move(items);
        return seal(std::move(e));
    }

    ExprPtr parse_condexpr() {
        ExprPtr expr1 = parse_or();
        while (is_name("if")) {
            const std::size_t offset = next().offset;
            ExprPtr cond = parse_or();
            ExprPtr expr3;
            if (skip_name("else")) {
                DepthGuard guard(*this, cur());
                expr3 = parse_condexpr();
            }
            auto e = make(ExprKind::cond, offset);
            e->args.push_back(std::move(cond));
            e->args.push_back(std::move(expr1));
            e->args.push_back(std::move(expr3));
            expr1 = seal(std::move(e));
        }
        return expr1;
    }

    ExprPtr parse_or() {
        ExprPtr left = parse_and();
        while (is_name("or")) {
            const std::size_t offset = next().offset;
            auto e = make(ExprKind::or_, offset);
            e->args.push_back(std::move(left));
            e->args.push_back(parse_and());
            left = seal(std::move(e));
        }
        return left;
    }

    ExprPtr parse_and() {
        ExprPtr left = parse_not();
        while (is_name("and")) {
            const std::size_t offset = next().offset;
            auto e = make(ExprKind::and_, offset);
            e->args.push_back(std::move(left));
            e->args.push_back(parse_not());
            left = seal(std::move(e));
        }
        return left;
    }

    ExprPtr parse_not() {
        if (is_name("not")) {
            DepthGuard guard(*this, cur());
            const std::size_t offset = next().offset;
            auto e = make(ExprKind::not_, offset);
            e->args.push_back(parse_not());
            return seal(std::move(e));
        }
        return parse_compare();
    }

    ExprPtr parse_compare() {
        const std::size_t offset = cur().offset;
        ExprPtr first = parse_math1();
        std::vector<CompareOp> ops;
        std::vector<ExprPtr> operands;
        while (true) {
            CompareOp op;
            if (cur().kind == Kind::op && (cur().text == "==" || cur().text == "!=" || cur().text == "<" ||
                                           cur().text == "<=" || cur().text == ">" || cur().text == ">=")) {
                const std::string& t = cur().text;
                op = t == "==" ? CompareOp::eq : t == "!=" ? CompareOp::ne : t == "<" ? CompareOp::lt
                     : t == "<=" ? CompareOp::le : t == ">" ? CompareOp::gt : CompareOp::ge;
                next();
            } else if (is_name("in")) {
                next();
                op = CompareOp::in;
            } else if (is_name("not") && peek().kind == Kind::name && peek().text == "in") {
                next();
                next();
                op = CompareOp::not_in;
            } else {
                break;
            }
            ops.push_back(op);
            operands.push_back(parse_math1());
        }
        if (ops.empty()) return first;
        auto e = make(ExprKind::compare, offset);
        e->args.push_back(std::move(first));
        for (auto& o : operands) e->args.push_back(std::move(o));
        e->compare_ops = std::move(ops);
        return seal(std::move(e));
    }

    ExprPtr binary(BinaryOp op, std::size_t offset, ExprPtr left, ExprPtr right) {
        auto e = make(ExprKind::binary, offset);
        e->op = op;
        e->args.push_back(std::move(left));
        e->args.push_back(std::move(right));
        return seal(std::move(e));
    }

    ExprPtr parse_math1() {
        ExprPtr left = parse_concat();
        while (is_op("+") || is_op("-")) {
            const Token& t = next();
            const BinaryOp op = t.text == "+" ? BinaryOp::add : BinaryOp::sub;
            ExprPtr right = parse_concat();
            left = binary(op, t.offset, std::move(left), std::move(right));
        }
        return left;
    }

    ExprPtr parse_concat() {
        const std::size_t offset = cur().offset;
        ExprPtr first = parse_math2();
        if (!is_op("~")) return first;
        auto e = make(ExprKind::concat, offset);
        e->args.push_back(std::move(first));
        while (skip_op("~")) e->args.push_back(parse_math2());
        return seal(std::move(e));
    }

    ExprPtr parse_math2() {
        ExprPtr left = parse_pow();
        while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
            const Token& t = next();
            const BinaryOp op = t.text == "*"   ? BinaryOp::mul
                                : t.text == "/" ? BinaryOp::div
                                : t.text == "//" ? BinaryOp::floordiv
                                                 : BinaryOp::mod;
            ExprPtr right = parse_pow();
            left = binary(op, t.offset, std::move(left), std::move(right));
        }
        return left;
    }

    ExprPtr parse_pow() {
        ExprPtr left = parse_unary(true);
        while (is_op("**")) {
            const Token& t = next();
            ExprPtr right = parse_unary(true);
            left = binary(BinaryOp::pow, t.offset, std::move(left), std::move(right));
        }
        return left;
    }

    ExprPtr parse_unary(bool with_filter) {
        ExprPtr node;
        if (is_op("-") || is_op("+")) {
            DepthGuard guard(*this, cur());
            const Token& t = next();
            node = make(t.text == "-" ? ExprKind::neg : ExprKind::pos, t.offset);
            node->args.push_back(parse_unary(false));
        } else {
            node = parse_primary();
        }
        node = parse_postfix(std::move(node));
        if (with_filter) node = parse_filter_expr(std::move(node));
        return node;
    }

    ExprPtr parse_primary() {
        const Token& t = cur();
        switch (t.kind) {
        case Kind::name: {
            next();
            auto e = make(ExprKind::constant, t.offset);
            if (t.text == "true" || t.text == "True") {
                e->constant = Value::boolean(true);
            } else if (t.text == "false" || t.text == "False") {
                e->constant = Value::boolean(false);
            } else if (t.text == "none" || t.text == "None") {
                e->constant = Value::none();
            } else {
                e->kind = ExprKind::name;
                e->name = t.text;
            }
            return seal(std::move(e));
        }
        case Kind::string: {
            std::string text;
            while (cur().kind == Kind::string) text += next().text;
            auto e = make(ExprKind::constant, t.offset);
            e->constant = Value::string(std::move(text));
            return seal(std::move(e));
        }
        case Kind::integer:
        case Kind::floating: {
            next();
            auto e = make(ExprKind::constant, t.offset);
            e->constant = t.kind == Kind::integer ? Value::integer(t.integer) : Value::floating(t.floating);
            return seal(std::move(e));
        }
        case Kind::op:
            if (t.text == "(") {
                next();
                ExprPtr e = parse_tuple(false, true, nullptr, true);
                expect_op(")");
                return seal(std::move(e));
            }
            if (t.text == "[") return parse_list();
            if (t.text == "{") return parse_dict();
            break;
        default: break;
        }
        fail(t, "unexpected " + describe(t));
    }

    ExprPtr parse_list() {
        auto e = make(ExprKind::list, next().offset);
        while (!is_op("]")) {
            if (!e->args.empty()) expect_op(",");
            if (is_op("]")) break;
            e->args.push_back(parse_expression(true));
        }
        expect_op("]");
        return seal(std::move(e));
    }

    ExprPtr parse_dict() {
        auto e = make(ExprKind::dict, next().offset);
        while (!is_op("}")) {
            if (!e->args.empty()) expect_op(",");
            if (is_op("}")) break;
            e->args.push_back(parse_expression(true));
            expect_op(":");
            e->args.push_back(parse_expression(true));
        }
        expect_op("}");
        return seal(std::move(e));
    }

    ExprPtr parse_postfix(ExprPtr node) {
        while (true) {
            if (is_op(".") || is_op("[")) {
                node = parse_subscript(std::move(node));
            } else if (is_op("(")) {
                node = parse_call(std::move(node));
            } else {
                return node;
            }
        }
    }

    ExprPtr parse_filter_expr(ExprPtr node) {
        while (true) {
            if (is_op("|")) {
                node = parse_filter(std::move(node), false);
            } else if (is_name("is")) {
                node = parse_test(std::move(node));
            } else if (is_op("(")) {
                node = parse_call(std::move(node));
            } else {
                return node;
            }
        }
    }

    ExprPtr parse_subscript(ExprPtr node) {
        const Token& t = next();
        if (t.text == ".") {
            const Token& attr = next();
            if (attr.kind == Kind::name) {
                auto e = make(ExprKind::getattr, attr.offset);
                e->name = attr.text;
                e->args.push_back(std::move(node));
                return seal(std::move(e));
            }
            if (attr.kind != Kind::integer) fail(attr, "expected name or number after '.'");
            auto e = make(ExprKind::getitem, attr.offset);
            auto index = make(ExprKind::constant, attr.offset);
            index->constant = Value::integer(attr.integer);
            e->args.push_back(std::move(node));
            e->args.push_back(std::move(index));
            return seal(std::move(e));
        }
        // '[' subscript: an index, a slice, or several (a tuple key).
        std::vector<ExprPtr> keys;
        ExprPtr slice;
        while (!is_op("]")) {
            if (!keys.empty() || slice) expect_op(",");
            ExprPtr key = parse_subscribed(node, slice, t.offset);
            if (key) keys.push_back(std::move(key));
        }
        expect_op("]");
        if (slice) {
            if (!keys.empty()) fail(t, "a slice cannot be combined with other subscripts");
            return slice;
        }
        if (keys.empty()) fail(t, "expected a subscript expression");
        auto e = make(ExprKind::getitem, t.offset);
        e->args.push_back(std::move(node));
        if (keys.size() == 1) {
            e->args.push_back(std::move(keys.front()));
        } else {
            auto tuple = make(ExprKind::tuple, t.offset);
            tuple->args = std::move(keys);
            e->args.push_back(std::move(tuple));
        }
        return seal(std::move(e));
    }

    // One subscript: returns the key expression, or builds a slice of @p node into @p slice.
    ExprPtr parse_subscribed(ExprPtr& node, ExprPtr& slice, std::size_t offset) {
        ExprPtr start;
        if (!is_op(":")) {
            start = parse_expression(true);
            if (!is_op(":")) return start;
        }
        if (slice || !node) fail(cur(), "only one slice is allowed in a subscript");
        next();  // ':'
        ExprPtr stop;
        ExprPtr step;
        if (!is_op(":") && !is_op("]") && !is_op(",")) stop = parse_expression(true);
        if (skip_op(":")) {
            if (!is_op("]") && !is_op(",")) step = parse_expression(true);
        }
        auto e = make(ExprKind::slice, offset);
        e->args.push_back(std::move(node));
        e->args.push_back(std::move(start));
        e->args.push_back(std::move(stop));
        e->args.push_back(std::move(step));
        slice = seal(std::move(e));
        return nullptr;
    }

    // Call arguments `(a, b, k=v, *args, **kwargs)` into @p e (positional arguments after args[0]).
    void parse_call_args(Expr& e) {
        const Token& open = cur();
        expect_op("(");
        bool require_comma = false;
        auto ensure = [&](bool ok) {
            if (!ok) fail(open, "invalid syntax for function call expression");
        };
        while (!is_op(")")) {
            if (require_comma) {
                expect_op(",");
                if (is_op(")")) break;
            }
            if (is_op("*")) {
                ensure(!e.dyn_args && !e.dyn_kwargs);
                next();
                e.dyn_args = parse_expression(true);
            } else if (is_op("**")) {
                ensure(!e.dyn_kwargs);
                next();
                e.dyn_kwargs = parse_expression(true);
            } else if (cur().kind == Kind::name && peek().kind == Kind::op && peek().text == "=") {
                ensure(!e.dyn_kwargs);
                std::string key = next().text;
                next();
                for (const auto& [k, v] : e.kwargs)
                    if (k == key) fail(open, "keyword argument repeated: " + key);
                e.kwargs.emplace_back(std::move(key), parse_expression(true));
            } else {
                ensure(!e.dyn_args && !e.dyn_kwargs && e.kwargs.empty());
                e.args.push_back(parse_expression(true));
            }
            require_comma = true;
        }
        expect_op(")");
    }

    ExprPtr parse_call(ExprPtr callee) {
        auto e = make(ExprKind::call, callee->offset);
        e->args.push_back(std::move(callee));
        parse_call_args(*e);
        return seal(std::move(e));
    }

    // `| name(args) | name2 ...`; with @p start_inline the first filter has no leading pipe.
    ExprPtr parse_filter(ExprPtr node, bool start_inline) {
        while (is_op("|") || start_inline) {
            if (!start_inline) next();
            start_inline = false;
            const Token& name_token = expect_name();
            std::string name = name_token.text;
            while (skip_op(".")) name += "." + expect_name().text;
            auto e = make(ExprKind::filter, name_token.offset);
            e->name = name;
            e->filter = find_filter(name);
            if (!e->filter) fail(name_token, "no filter named '" + name + "'");
            e->args.push_back(std::move(node));
            if (is_op("(")) parse_call_args(*e);
            node = seal(std::move(e));
        }
        return node;
    }

    ExprPtr parse_test(ExprPtr node) {
        const Token& is = next();
        const bool negated = skip_name("not");
        const Token& name_token = expect_name();
        std::string name = name_token.text;
        while (skip_op(".")) name += "." + expect_name().text;
        auto e = make(ExprKind::test, name_token.offset);
        e->name = name;
        e->test = find_test(name);
        if (!e->test) fail(name_token, "no test named '" + name + "'");
        e->args.push_back(std::move(node));
        if (is_op("(")) {
            parse_call_args(*e);
        } else if ((cur().kind == Kind::name || cur().kind == Kind::string || cur().kind == Kind::integer ||
                    cur().kind == Kind::floating || is_op("[") || is_op("{")) &&
                   !is_name("else") && !is_name("or") && !is_name("and")) {
            // `x is divisibleby 3`, `x is sameas none`: one argument without parentheses.
            if (is_name("is")) fail(cur(), "you cannot chain multiple tests with 'is'");
            e->args.push_back(parse_postfix(parse_primary()));
        }
        if (!negated) return seal(std::move(e));
        auto n = make(ExprKind::not_, is.offset);
        n->args.push_back(std::move(e));
        return seal(std::move(n));
    }

    const std::vector<Token>& tokens_;
    std::size_t pos_ = 0;
    int depth_ = 0;
    int loop_depth_ = 0;
};

} // namespace

Body parse(const std::vector<Token>& tokens) { return Parser(tokens).run(); }

} // namespace braid::jinja
