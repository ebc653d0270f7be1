// Collections nest 8 levels deep, the most the macro takes.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(
        from Store
        select id, departments { id, employees { id, reports { id, reports { id, reports { id,
            reports { id, reports { id, reports { id } as r7 } as r6 } as r5 }
            as r4 } as r3 } as r2 } as staff } as departments
    );
}
