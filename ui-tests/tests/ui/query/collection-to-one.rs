// a collection's path leads to many rows; a to-one path's columns are
// selected as `path.column`.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Employee select id, department { name } as department);
}
