// Consumes the installed braid package: links braid::braid and uses its error type.
#include <braid/error.hpp>

#include <cstdio>

int main() {
    try {
        throw braid::Error(braid::errc::not_found, "consumer ok");
    } catch (const braid::Error& e) {
        std::puts(e.what());
        return e.kind() == braid::errc::not_found ? 0 : 1;
    }
}
