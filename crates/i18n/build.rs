//! Rebuild when a Fluent file is added, removed or changed: the loader embeds them at
//! compile time, and cargo does not see files it was not told about.
fn main() {
    println!("cargo:rerun-if-changed=locales");
    for lang in ["id", "en"] {
        println!("cargo:rerun-if-changed=locales/{lang}");
        if let Ok(dir) = std::fs::read_dir(format!("locales/{lang}")) {
            for entry in dir.flatten() {
                println!("cargo:rerun-if-changed={}", entry.path().display());
            }
        }
    }
}
