// Symbols for the demangler tests: generics, const generics, closures, trait
// impls, dyn types, fn pointers, tuples, references, nested modules.
pub struct Wrapper<T>(pub T);
pub trait Speak { fn speak(&self) -> String; }
impl<T: std::fmt::Debug> Speak for Wrapper<T> { fn speak(&self) -> String { format!("{:?}", self.0) } }
#[inline(never)] pub fn generic<T: Clone, const N: usize>(x: &[T; N]) -> Vec<T> { x.to_vec() }
#[inline(never)] pub fn flags<const B: bool, const C: char, const I: i64>() -> i64 { I + B as i64 + C as i64 }
#[inline(never)] pub fn with_closure(v: i32) -> impl Fn(i32) -> i32 { move |x| x + v }
pub mod inner {
    #[inline(never)]
    pub fn deep(x: &mut Vec<(u8, char)>, f: fn(u8) -> bool, d: &dyn Fn(&str) -> u8) -> usize {
        x.len() + f(1) as usize + d("a") as usize
    }
    pub mod more { #[inline(never)] pub unsafe extern "C" fn raw(p: *const u8, q: *mut [u16; 3]) -> i32 { (p as usize + q as usize) as i32 } }
}
fn main() {
    let w = Wrapper(vec![1u8, 2]);
    println!("{}", w.speak());
    println!("{:?} {:?}", generic(&[1u16, 2, 3]), generic(&['a'; 2]));
    println!("{}", flags::<true, 'x', -5>());
    println!("{}", with_closure(3)(4));
    let mut v = vec![(1u8, 'x')];
    println!("{}", inner::deep(&mut v, |b| b > 0, &|s: &str| s.len() as u8));
    println!("{}", unsafe { inner::more::raw(std::ptr::null(), std::ptr::null_mut()) });
    let b: Box<dyn Speak + Send> = Box::new(Wrapper("s"));
    println!("{}", b.speak());
}
