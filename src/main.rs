use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = durand::cli::Cli::parse();
    match durand::commands::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("durand: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
