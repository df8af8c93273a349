// Input and output types of a callable (function, function pointer, lambda or functor with one
// non-overloaded operator()), which Lambda uses to infer Runnable<In, Out>.
#pragma once

#include <type_traits>

namespace braid::detail {

template <class F>
struct callable_traits : callable_traits<decltype(&std::remove_cvref_t<F>::operator())> {};
template <class R, class A, class... Rest>
struct callable_traits<R (*)(A, Rest...)> {
    using input = std::remove_cvref_t<A>;
    using output = std::remove_cvref_t<R>;
};
template <class R, class A, class... Rest>
struct callable_traits<R(A, Rest...)> : callable_traits<R (*)(A, Rest...)> {};
template <class C, class R, class A, class... Rest>
struct callable_traits<R (C::*)(A, Rest...) const> : callable_traits<R (*)(A, Rest...)> {};
template <class C, class R, class A, class... Rest>
struct callable_traits<R (C::*)(A, Rest...)> : callable_traits<R (*)(A, Rest...)> {};
template <class C, class R, class A, class... Rest>
struct callable_traits<R (C::*)(A, Rest...) const noexcept> : callable_traits<R (*)(A, Rest...)> {};
template <class R, class A, class... Rest>
struct callable_traits<R (*)(A, Rest...) noexcept> : callable_traits<R (*)(A, Rest...)> {};

} // namespace braid::detail
