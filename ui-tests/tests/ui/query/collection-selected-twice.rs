// a collection's name is a field of the row, beside the other items'.
fn main() {
    let _ = fanless::query!(from Store select name, products { name } as name);
}
