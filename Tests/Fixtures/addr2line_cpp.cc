// C++ fixture: templates, inline member functions, a namespace and a lambda.
#include <cstdio>
#include <vector>

namespace geo {
template <typename T> struct Vec {
    T x, y;
    inline T dot(const Vec &o) const { return x * o.x + y * o.y; }
    inline Vec scaled(T k) const { return Vec{x * k, y * k}; }
};

template <typename T> __attribute__((noinline)) T total(const std::vector<Vec<T>> &v) {
    T s = 0;
    for (const auto &e : v) s += e.scaled(2).dot(e);
    return s;
}
}

struct Counter {
    int n = 0;
    __attribute__((noinline)) void bump(int k) { for (int i = 0; i < k; i++) n += i % 3; }
};

int main(int argc, char **) {
    std::vector<geo::Vec<int>> vi{{1, 2}, {3, argc}};
    std::vector<geo::Vec<double>> vd{{1.5, 2.5}, {argc * 1.0, 4}};
    Counter c;
    c.bump(argc + 10);
    auto f = [&](int k) { return geo::total(vi) * k + c.n; };
    std::printf("%d %f\n", f(argc), geo::total(vd));
    return 0;
}
