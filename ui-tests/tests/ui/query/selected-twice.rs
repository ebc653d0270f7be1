// two `select` items cannot share a name.
fn main() {
    let _ = fanless::query!(from Employee select name, department.name);
}
