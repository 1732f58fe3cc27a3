// Symbols for the demangler tests: templates, lambdas, ABI tags, operators,
// nested and local classes, special members, and (with -O2) clone suffixes.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace outer { namespace inner {
template <typename T, int N> struct Box {
    T items[N];
    T& operator[](int i) { return items[i]; }
    Box& operator+=(const Box&) { return *this; }
    bool operator==(const Box&) const { return true; }
    explicit operator bool() const { return N > 0; }
    template <typename U> U convert() const { return U(items[0]); }
    virtual ~Box() {}
    static int count;
};
template <typename T, int N> int Box<T, N>::count = N;
struct Base { virtual int f() { return 1; } virtual ~Base() {} };
struct Left : virtual Base { int f() override { return 2; } };
struct Right : virtual Base { int g() { return 3; } };
struct Diamond : Left, Right { int f() override { return 4; } };
inline namespace __attribute__((abi_tag("v2"))) tagged { std::string tagged_name(int x) { return std::to_string(x); } }
}}

struct Point { int x, y; };
Point operator+(Point a, Point b) { return {a.x + b.x, a.y + b.y}; }
bool operator<(const Point& a, const Point& b) { return a.x < b.x; }
unsigned long long operator""_km(unsigned long long v) { return v * 1000; }
void* operator new(std::size_t n, Point*) { return std::malloc(n); }

template <typename... Args> int count_args(Args&&... args) { return sizeof...(args); }
template <typename F> auto apply_twice(F f, int x) -> decltype(f(f(x))) { return f(f(x)); }
template <bool B, char C, long L, unsigned U> int literals() { return B + C + L + U; }
template <typename T> struct Holder { template <typename U> static void put(T*, U&&, void (*)(int), int (T::*)); int m; };
template <typename T> template <typename U> void Holder<T>::put(T*, U&&, void (*)(int), int (T::*)) {}

thread_local int tls_counter = 0;
int& tls_ref() { return tls_counter; }

int local_classes(int v) {
    struct Local { int twice(int a) const { return 2 * a; } };
    static int guarded = std::rand();
    auto lambda = [v](int a) { return a + v; };
    auto generic = [](auto a, auto&&... rest) { return a + (int)sizeof...(rest); };
    struct { int z; } anon{3};
    return Local().twice(v) + lambda(1) + generic(1, 2.0, 'c') + guarded + anon.z;
}

__attribute__((noinline)) static int clone_me(int mode, const std::vector<int>& v) {
    if (mode == 7) { std::fprintf(stderr, "rare %zu\n", v.size()); std::abort(); }
    int s = 0;
    for (int x : v) s += x * mode;
    return s;
}

int volatile_params(const volatile int* p, int (&arr)[4], int (*fp)(double), std::map<std::string, std::vector<int>>& m) {
    return *p + arr[0] + fp(1.0) + (int)m.size();
}

int main(int argc, char**) {
    outer::inner::Box<int, 3> b{};
    outer::inner::Box<int, 3> c{};
    b += c;
    int r = (b == c) + b[0] + (bool)b + b.convert<long>() + outer::inner::Box<int, 3>::count;
    outer::inner::Diamond d;
    r += d.f() + d.g();
    r += (int)outer::inner::tagged_name(argc).size();
    Point p = Point{1, 2} + Point{3, 4};
    r += (p < Point{0, 0}) + (int)(5_km);
    r += count_args(1, 'a', 2.0) + apply_twice([](int x) { return x + 1; }, 1);
    r += literals<true, 'x', -5L, 7u>();
    Holder<Point>::put(&p, 1, nullptr, &Point::x);
    r += tls_ref() + local_classes(argc);
    std::vector<int> v{1, 2, 3};
    r += clone_me(argc, v) + clone_me(3, v);
    int arr[4] = {0, 1, 2, 3};
    std::map<std::string, std::vector<int>> m;
    volatile int vi = 1;
    r += volatile_params(&vi, arr, [](double x) { return (int)x; }, m);
    std::unique_ptr<outer::inner::Base> up(new outer::inner::Left);
    std::function<int(int)> fn = [r](int x) { return x - r; };
    return fn(r) + up->f();
}
