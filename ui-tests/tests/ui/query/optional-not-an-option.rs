// An optional filter takes an `Option` of a value that fits the other side.
use fanless_ui_tests::*;

fn main() {
    let name: &str = "main";
    let _ = fanless::query!(from Store select id where name = {?name});
    let id: Option<&str> = None;
    let _ = fanless::query!(from Store select id where id = {?id});
}
