// strings take double quotes.
fn main() {
    let _ = fanless::query!(from Store where name = 'x');
}
