//! Every diagnostic of fanless's macros, with its reviewed `.stderr`, and
//! the query shapes that must compile.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/model/*.rs");
    cases.compile_fail("tests/ui/query/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
