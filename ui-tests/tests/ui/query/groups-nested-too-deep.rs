// the input of a macro nests groups at most 64 levels deep, so that parsing
// it never overflows rustc's stack.
fn main() {
    let _ = fanless::query!(from Store where id = {((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))});
}
