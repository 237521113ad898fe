//! `schema-registry-server`: the registry's HTTP server.

fn main() {
    eprintln!("schema-registry-server: not built yet");
    std::process::exit(2);
}
