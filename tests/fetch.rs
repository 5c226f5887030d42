//! `sponsorlint fetch` and remote rule packs end to end: the real binary
//! over real HTTP (reqwest) against a server on 127.0.0.1 that answers in
//! the platforms' documented shapes. Nothing here reaches the internet.

mod common {
    pub mod server;
}

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use common::server::{Reply, Request, Server};

/// Recognisable, so a leak is found wherever it is.
const TOKEN: &str = "TOKEN-7f3a9c1e-DO-NOT-PRINT";

fn sponsorlint() -> Command {
    let mut command = Command::cargo_bin("sponsorlint").expect("binary built");
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("YOUTUBE_API_KEY")
        .env_remove("INSTAGRAM_ACCESS_TOKEN")
        .env_remove("TIKTOK_ACCESS_TOKEN");
    command
}

fn lines(output: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

fn ids(posts: &[Value]) -> Vec<&str> {
    posts.iter().map(|post| post["id"].as_str().unwrap()).collect()
}

/// A YouTube video resource as `videos.list` returns it.
fn video(id: &str, published: &str, paid: Option<bool>) -> Value {
    let mut item = json!({
        "kind": "youtube#video",
        "id": id,
        "snippet": {
            "publishedAt": published,
            "channelId": "UCglow",
            "title": format!("Video {id}"),
            "description": format!("My new serum {id}"),
            "channelTitle": "Glow Lab Creator"
        },
        "contentDetails": {"duration": "PT2M5S"}
    });
    if let Some(paid) = paid {
        item["paidProductPlacementDetails"] = json!({"hasPaidProductPlacement": paid});
    }
    item
}

/// A channel whose uploads playlist lists `pages` of video ids (newest
/// first); video `vN` was published on day N of May 2024 counted backwards.
fn youtube_channel(pages: Vec<Vec<&'static str>>) -> impl Fn(&Request) -> Reply + Send + Sync {
    move |request: &Request| {
        assert_eq!(request.query("key").as_deref(), Some(TOKEN), "the key goes in the query");
        match request.path() {
            "/youtube/v3/channels" => {
                assert_eq!(request.query("part").as_deref(), Some("contentDetails"));
                if request.query("id").as_deref() != Some("UCglow") {
                    return Reply::json(
                        200,
                        json!({"kind": "youtube#channelListResponse", "items": []}),
                    );
                }
                Reply::json(
                    200,
                    json!({
                        "kind": "youtube#channelListResponse",
                        "items": [{"id": "UCglow", "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": "UUglow"}}}]
                    }),
                )
            }
            "/youtube/v3/playlistItems" => {
                assert_eq!(request.query("playlistId").as_deref(), Some("UUglow"));
                assert_eq!(request.query("maxResults").as_deref(), Some("50"));
                let page: usize =
                    request.query("pageToken").map_or(0, |token| token[1..].parse().unwrap());
                let items: Vec<Value> = pages[page]
                    .iter()
                    .map(|id| json!({"kind": "youtube#playlistItem", "contentDetails": {"videoId": id}}))
                    .collect();
                let mut answer =
                    json!({"kind": "youtube#playlistItemListResponse", "items": items});
                if page + 1 < pages.len() {
                    answer["nextPageToken"] = format!("P{}", page + 1).into();
                }
                Reply::json(200, answer)
            }
            "/youtube/v3/videos" => videos_answer(request),
            other => {
                Reply::json(404, json!({"error": {"code": 404, "message": format!("no {other}")}}))
            }
        }
    }
}

fn videos_answer(request: &Request) -> Reply {
    assert_eq!(
        request.query("part").as_deref(),
        Some("snippet,contentDetails,paidProductPlacementDetails")
    );
    let ids = request.query("id").unwrap();
    let items: Vec<Value> = ids
        .split(',')
        .map(|id| {
            let day: u32 = id[1..].parse().unwrap();
            let published = format!("2024-05-{:02}T10:00:00Z", 31 - day.min(30));
            video(id, &published, (day == 1).then_some(true).or((day == 2).then_some(false)))
        })
        .collect();
    Reply::json(200, json!({"kind": "youtube#videoListResponse", "items": items}))
}

fn youtube(server: &Server) -> Command {
    let mut command = sponsorlint();
    command.env("YOUTUBE_API_KEY", TOKEN).args([
        "fetch",
        "youtube",
        "--api-base",
        &server.url("/youtube/v3"),
        "--no-progress",
    ]);
    command
}

#[test]
fn a_channel_is_fetched_page_by_page_and_checked_downstream() {
    let server = Server::start(youtube_channel(vec![vec!["v1", "v2"], vec!["v3"]]));
    let output =
        youtube(&server).args(["--channel", "UCglow"]).assert().code(0).get_output().clone();
    let posts = lines(&output.stdout);
    assert_eq!(ids(&posts), ["v1", "v2", "v3"]);
    assert_eq!(
        posts[0],
        json!({
            "id": "v1", "platform": "youtube", "title": "Video v1", "text": "My new serum v1",
            "url": "https://www.youtube.com/watch?v=v1", "author": "Glow Lab Creator",
            "published_at": "2024-05-30T10:00:00Z", "duration_s": 125, "media": "video",
            "platform_label": "paid_partnership"
        })
    );
    // false and absent both give no label (absent: only the owner may read it).
    assert!(posts[1].get("platform_label").is_none() && posts[2].get("platform_label").is_none());
    let paths: Vec<String> = server.requests().iter().map(|r| r.path().to_owned()).collect();
    assert_eq!(
        paths,
        [
            "/youtube/v3/channels",
            "/youtube/v3/playlistItems",
            "/youtube/v3/videos",
            "/youtube/v3/playlistItems",
            "/youtube/v3/videos"
        ]
    );

    // The posts are the input contract: `check` reads every one.
    let checked = sponsorlint()
        .args(["check", "-", "--input-format", "jsonl", "--country", "GB", "--format", "jsonl"])
        .args(["--relationship", "paid", "--no-builtin", "--rules", "tests/data/packs/house.yaml"])
        .write_stdin(output.stdout)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let results = lines(&checked);
    let verdicts: Vec<(&str, &str)> = results
        .iter()
        .map(|result| (result["id"].as_str().unwrap(), result["verdict"].as_str().unwrap()))
        .collect();
    // v1 carries the paid-partnership label, which the house pack accepts.
    assert_eq!(verdicts, [("v1", "pass"), ("v2", "fail"), ("v3", "fail")]);
    assert_eq!(results[2]["extra"]["url"], "https://www.youtube.com/watch?v=v3");
}

#[test]
fn max_and_since_stop_the_listing_early() {
    let server = Server::start(youtube_channel(vec![vec!["v1", "v2"], vec!["v3"]]));
    let output = youtube(&server)
        .args(["--channel", "UCglow", "--max", "2"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert_eq!(ids(&lines(&output.stdout)), ["v1", "v2"]);
    assert_eq!(server.requests().len(), 3, "the second page is never asked for");

    let server = Server::start(youtube_channel(vec![vec!["v1"], vec!["v2", "v3"], vec!["v4"]]));
    // v2 was published on 29 May, v3 on 28 May: the list stops at v3.
    let output = youtube(&server)
        .args(["--channel", "UCglow", "--since", "2024-05-29"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert_eq!(ids(&lines(&output.stdout)), ["v1", "v2"]);
    assert!(server.requests().iter().all(|r| r.query("pageToken").as_deref() != Some("P2")));
}

#[test]
fn given_videos_are_asked_for_in_batches_of_fifty() {
    let server = Server::start(youtube_channel(vec![]));
    let wanted: Vec<String> = (1..=51).map(|n| format!("v{n}")).collect();
    let output =
        youtube(&server).arg("--video").args(&wanted).assert().code(0).get_output().clone();
    assert_eq!(lines(&output.stdout).len(), 51);
    let batches: Vec<usize> =
        server.requests().iter().map(|r| r.query("id").unwrap().split(',').count()).collect();
    assert_eq!(batches, [50, 1]);
}

#[test]
fn an_unknown_channel_is_an_error_that_says_what_to_check() {
    let server = Server::start(youtube_channel(vec![]));
    youtube(&server)
        .args(["--channel", "UCnobody"])
        .assert()
        .code(2)
        .stderr(contains("YouTube channel UCnobody not found"));
}

#[test]
fn a_429_is_retried_after_the_time_retry_after_asks() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let server = Server::start(move |request| {
        if counted.fetch_add(1, Ordering::SeqCst) == 0 {
            return Reply::json(429, json!({"error": {"code": 429, "message": "slow down"}}))
                .with_header("Retry-After", "1");
        }
        videos_answer(request)
    });
    let started = Instant::now();
    let output = youtube(&server).args(["--video", "v1"]).assert().code(0).get_output().clone();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited {:?}", started.elapsed());
    assert_eq!(ids(&lines(&output.stdout)), ["v1"]);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn a_500_is_retried_and_gives_up_after_the_retries() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let server = Server::start(move |request| {
        if counted.fetch_add(1, Ordering::SeqCst) == 0 {
            return Reply::json(500, json!({"error": {"code": 500, "message": "backend error"}}));
        }
        videos_answer(request)
    });
    let output = youtube(&server).args(["--video", "v1"]).assert().code(0).get_output().clone();
    assert_eq!(ids(&lines(&output.stdout)), ["v1"]);
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    let always =
        Server::start(|_| Reply::json(503, json!({"error": {"code": 503, "message": "down"}})));
    youtube(&always)
        .args(["--video", "v1", "--retries", "1"])
        .assert()
        .code(2)
        .stderr(contains("YouTube: the API answered 503"));
    assert_eq!(always.requests().len(), 2);
}

#[test]
fn a_quota_error_stops_with_exit_2_after_writing_what_was_fetched() {
    let server = Server::start(|request: &Request| {
        if request.path().ends_with("/videos") && request.query("id").unwrap().contains("v3") {
            return Reply::json(
                403,
                json!({"error": {
                    "code": 403,
                    "message": "The request cannot be completed because you have exceeded your quota.",
                    "errors": [{"message": "The request cannot be completed because you have exceeded your quota.", "domain": "youtube.quota", "reason": "quotaExceeded"}]
                }}),
            );
        }
        youtube_channel(vec![vec!["v1", "v2"], vec!["v3"]])(request)
    });
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("posts.jsonl");
    let output = youtube(&server)
        .args(["--channel", "UCglow", "--output"])
        .arg(&file)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "YouTube quota exceeded: try again after midnight Pacific time or use another key"
        ),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
    assert_eq!(ids(&lines(&std::fs::read(&file).unwrap())), ["v1", "v2"]);
    let left: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind");
}

#[test]
fn output_is_written_whole_in_place_of_the_old_file() {
    let server = Server::start(youtube_channel(vec![vec!["v1"]]));
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("posts.jsonl");
    std::fs::write(&file, "old\n").unwrap();
    youtube(&server).args(["--channel", "UCglow", "-o"]).arg(&file).assert().code(0).stdout("");
    assert_eq!(ids(&lines(&std::fs::read(&file).unwrap())), ["v1"]);
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 1);
}

#[test]
fn an_invalid_key_or_token_says_which_and_exits_2() {
    let youtube_server = Server::start(|_| {
        Reply::json(
            400,
            json!({"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
            "errors": [{"message": "API key not valid. Please pass a valid API key.", "domain": "global", "reason": "badRequest"}],
            "status": "INVALID_ARGUMENT", "details": [{"reason": "API_KEY_INVALID"}]}}),
        )
    });
    youtube(&youtube_server)
        .args(["--video", "v1"])
        .assert()
        .code(2)
        .stderr(contains(
        "YouTube refused the API key (keyInvalid): check YOUTUBE_API_KEY, and that the YouTube Data API v3 is enabled for its project",
    ));

    let instagram = Server::start(|_| {
        Reply::json(
            400,
            json!({"error": {"message": "Invalid OAuth access token - Cannot parse access token",
            "type": "OAuthException", "code": 190, "fbtrace_id": "A1b2"}}),
        )
    });
    sponsorlint()
        .env("INSTAGRAM_ACCESS_TOKEN", TOKEN)
        .args(["fetch", "instagram", "--user", "1789", "--api-base", &instagram.url("/v21.0")])
        .assert()
        .code(2)
        .stderr(contains("Instagram refused the access token"))
        .stderr(contains("INSTAGRAM_ACCESS_TOKEN"));

    let tiktok = Server::start(|_| {
        Reply::json(
            401,
            json!({"data": {}, "error": {"code": "access_token_invalid",
            "message": "The access token is invalid or not found in the request.", "log_id": "2022"}}),
        )
    });
    sponsorlint()
        .env("TIKTOK_ACCESS_TOKEN", TOKEN)
        .args(["fetch", "tiktok", "--api-base", &tiktok.url("")])
        .assert()
        .code(2)
        .stderr(contains("TikTok refused the access token"));
    assert_eq!(tiktok.requests().len(), 1, "a 401 is not retried");
}

#[test]
fn a_missing_token_is_a_usage_error_before_any_request() {
    sponsorlint()
        .args(["fetch", "tiktok", "--api-base", "http://127.0.0.1:9"])
        .assert()
        .code(2)
        .stderr(contains("TIKTOK_ACCESS_TOKEN is not set"));
}

#[test]
fn oversized_truncated_and_slow_answers_are_errors_not_hangs() {
    let big =
        Server::start(|_| Reply::json(200, format!("{{\"items\": [\"{}\"]}}", "x".repeat(4096))));
    youtube(&big)
        .args(["--video", "v1", "--max-response", "1KiB"])
        .assert()
        .code(2)
        .stderr(contains("is larger than 1 KiB; raise it with --max-response"));

    let cut = Server::start(|_| {
        Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"items\": [".to_vec())
    });
    youtube(&cut)
        .args(["--video", "v1", "--retries", "1"])
        .assert()
        .code(2)
        .stderr(contains("is incomplete"));
    assert_eq!(cut.requests().len(), 2, "a cut answer is retried");

    let slow = Server::start(|request| {
        Reply::After(Duration::from_secs(5), Box::new(videos_answer(request)))
    });
    let started = Instant::now();
    youtube(&slow)
        .args(["--video", "v1", "--timeout", "0.5", "--retries", "0"])
        .assert()
        .code(2)
        .stderr(contains("within 0.5 s (--timeout)"));
    assert!(started.elapsed() < Duration::from_secs(4), "took {:?}", started.elapsed());
}

#[test]
fn the_token_appears_in_no_output_error_or_verbose_line() {
    // The server echoes what it got, token included, in its error answers.
    let echo = |request: &Request| {
        let said = format!("{} {} {:?}", request.method, request.target, request.headers);
        Reply::json(500, json!({"error": {"code": 500, "message": said}}))
    };
    let server = Server::start(echo);
    let runs: Vec<(&str, Vec<String>)> = vec![
        (
            "YOUTUBE_API_KEY",
            vec![
                "youtube".into(),
                "--video".into(),
                "v1".into(),
                "--api-base".into(),
                server.url("/youtube/v3"),
            ],
        ),
        (
            "INSTAGRAM_ACCESS_TOKEN",
            vec![
                "instagram".into(),
                "--user".into(),
                "17".into(),
                "--api-base".into(),
                server.url("/v21.0"),
            ],
        ),
        ("TIKTOK_ACCESS_TOKEN", vec!["tiktok".into(), "--api-base".into(), server.url("")]),
        // Plain http to another host is refused before anything is sent.
        (
            "YOUTUBE_API_KEY",
            vec![
                "youtube".into(),
                "--video".into(),
                "v1".into(),
                "--api-base".into(),
                "http://example.com/v3".into(),
            ],
        ),
        // Nothing listens there: a connection error names the URL.
        (
            "YOUTUBE_API_KEY",
            vec![
                "youtube".into(),
                "--video".into(),
                "v1".into(),
                "--api-base".into(),
                "http://127.0.0.1:9/v3".into(),
            ],
        ),
    ];
    for (variable, args) in runs {
        let output = sponsorlint()
            .env(variable, TOKEN)
            .arg("fetch")
            .args(&args)
            .args(["--retries", "0", "--verbose"])
            .assert()
            .code(2)
            .get_output()
            .clone();
        let (stdout, stderr) =
            (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(
            !stdout.contains(TOKEN) && !stderr.contains(TOKEN),
            "{args:?} leaked:\n{stdout}\n{stderr}"
        );
        assert!(!stderr.contains("7f3a9c1e"), "{stderr}");
        assert!(stderr.contains("error:"), "{stderr}");
        if args[0] != "tiktok"
            && args.iter().any(|arg| arg.starts_with("http://127.0.0.1") && !arg.contains(":9/"))
        {
            // --verbose shows the request, its credential as ***.
            assert!(
                stderr.contains("note: GET http://127.0.0.1:") && stderr.contains("=***"),
                "{stderr}"
            );
        }
    }
    // The token was really sent (so the redaction above was tested).
    let sent = server.requests();
    assert!(sent.iter().any(|r| r.query("key").as_deref() == Some(TOKEN)));
    assert!(sent.iter().any(|r| r.query("access_token").as_deref() == Some(TOKEN)));
    assert!(sent.iter().any(|r| r.header("Authorization") == Some(&format!("Bearer {TOKEN}"))));
}

#[test]
fn instagram_media_follow_paging_next_with_our_own_token() {
    let next = Arc::new(std::sync::Mutex::new(String::new()));
    let next_url = next.clone();
    let server = Server::start(move |request: &Request| {
        assert_eq!(request.path(), "/v21.0/17841400/media");
        assert_eq!(
            request.query("fields").as_deref(),
            Some("id,caption,media_type,permalink,timestamp,username")
        );
        assert_eq!(request.query("access_token").as_deref(), Some(TOKEN));
        assert_eq!(request.target.matches("access_token").count(), 1);
        if request.query("after").is_none() {
            Reply::json(
                200,
                json!({
                    "data": [
                        {"id": "1", "caption": "Gifted by @glowlab", "media_type": "IMAGE", "permalink": "https://www.instagram.com/p/A/", "timestamp": "2024-05-02T09:00:00+0000", "username": "ana"},
                        {"id": "2", "media_type": "CAROUSEL_ALBUM", "permalink": "https://www.instagram.com/p/B/", "timestamp": "2024-05-01T09:00:00+0000", "username": "ana"}
                    ],
                    "paging": {"cursors": {"before": "b1", "after": "a1"}, "next": next_url.lock().unwrap().clone()}
                }),
            )
        } else {
            Reply::json(
                200,
                json!({
                    "data": [{"id": "3", "caption": "Reel", "media_type": "VIDEO", "permalink": "https://www.instagram.com/reel/C/", "timestamp": "2024-04-01T09:00:00+0000", "username": "ana"}],
                    "paging": {"cursors": {"before": "b2", "after": "a2"}}
                }),
            )
        }
    });
    *next.lock().unwrap() = server.url(&format!(
        "/v21.0/17841400/media?access_token={TOKEN}&fields=id%2Ccaption%2Cmedia_type%2Cpermalink%2Ctimestamp%2Cusername&limit=100&after=a1"
    ));
    let output = sponsorlint()
        .env("INSTAGRAM_ACCESS_TOKEN", TOKEN)
        .args(["fetch", "instagram", "--user", "17841400", "--api-base", &server.url("/v21.0")])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let posts = lines(&output.stdout);
    assert_eq!(ids(&posts), ["1", "2", "3"]);
    assert_eq!(
        posts[0],
        json!({"id": "1", "platform": "instagram", "text": "Gifted by @glowlab", "url": "https://www.instagram.com/p/A/",
               "author": "ana", "published_at": "2024-05-02T09:00:00Z", "media": "image"})
    );
    assert_eq!(
        (posts[1]["text"].as_str(), posts[1]["media"].as_str()),
        (Some(""), Some("carousel"))
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn tiktok_videos_follow_the_cursor_while_has_more() {
    let server = Server::start(|request: &Request| {
        assert_eq!((request.method.as_str(), request.path()), ("POST", "/v2/video/list/"));
        assert_eq!(
            request.query("fields").as_deref(),
            Some("id,title,video_description,create_time,share_url,duration")
        );
        let body: Value = serde_json::from_str(&request.body).unwrap();
        assert_eq!(body["max_count"], 20);
        let page = if body.get("cursor").is_none() {
            json!({"videos": [
                {"id": "7001", "title": "Serum", "video_description": "My serum routine #ad", "create_time": 1714557600, "share_url": "https://www.tiktok.com/@ana/video/7001", "duration": 31},
                {"id": "7000", "title": "", "video_description": "Morning", "create_time": 1714471200, "share_url": "https://www.tiktok.com/@ana/video/7000", "duration": 12}
            ], "cursor": 1714471200000i64, "has_more": true})
        } else {
            assert_eq!(body["cursor"], 1714471200000i64);
            json!({"videos": [{"id": "6999", "video_description": "Old", "create_time": 1714384800, "share_url": "https://www.tiktok.com/@ana/video/6999", "duration": 5}],
                   "cursor": 1714384800000i64, "has_more": false})
        };
        Reply::json(
            200,
            json!({"data": page, "error": {"code": "ok", "message": "", "log_id": "2024"}}),
        )
    });
    let output = sponsorlint()
        .env("TIKTOK_ACCESS_TOKEN", TOKEN)
        .args(["fetch", "tiktok", "--api-base", &server.url("")])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let posts = lines(&output.stdout);
    assert_eq!(ids(&posts), ["7001", "7000", "6999"]);
    assert_eq!(
        posts[0],
        json!({"id": "7001", "platform": "tiktok", "title": "Serum", "text": "My serum routine #ad",
               "url": "https://www.tiktok.com/@ana/video/7001", "published_at": "2024-05-01T10:00:00Z",
               "duration_s": 31, "media": "video"})
    );
    assert!(posts[1].get("title").is_none(), "an empty title is no title");
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("Authorization") == Some(&format!("Bearer {TOKEN}")))
    );
}

#[test]
fn a_public_page_gives_its_open_graph_text_and_oembed_author() {
    let server = Server::start(|request: &Request| match request.path() {
        "/p/1" => Reply::html(
            r#"<!doctype html><html><head><meta property="og:title" content="Glow &amp; me">
            <meta property="og:description" content="Loving my new serum from @glowlab">
            <link rel="alternate" type="application/json+oembed" href="/oembed?url=p1"></head><body></body></html>"#,
        ),
        "/oembed" => Reply::json(
            200,
            json!({"version": "1.0", "type": "rich", "author_name": "ana", "title": "Glow"}),
        ),
        _ => Reply::json(404, "{}"),
    });
    let page = server.url("/p/1");
    let output = sponsorlint().args(["fetch", "url", &page]).assert().code(0).get_output().clone();
    assert_eq!(
        lines(&output.stdout),
        [
            json!({"id": page, "title": "Glow & me", "text": "Loving my new serum from @glowlab", "url": page, "author": "ana"})
        ]
    );
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

#[test]
fn a_pinned_remote_pack_is_verified_cached_and_works_offline() {
    let pack =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/packs/house.yaml")).unwrap();
    let digest = sha256(&pack);
    let served = pack.clone();
    let server =
        Server::start(move |_| Reply::Body { status: 200, headers: vec![], body: served.clone() });
    let cache = tempfile::tempdir().unwrap();
    let spec = format!("{}#sha256={digest}", server.url("/packs/house.yaml"));
    let check = |spec: &str| {
        let mut command = sponsorlint();
        command
            .env("SPONSORLINT_CACHE_DIR", cache.path())
            .args([
                "check",
                "-",
                "--relationship",
                "paid",
                "--no-builtin",
                "--no-config",
                "--rules",
                spec,
            ])
            .write_stdin("my new serum");
        command
    };
    check(&spec).assert().code(1).stdout(contains("house/missing-ad"));
    assert_eq!(
        std::fs::read(cache.path().join("packs").join(format!("{digest}.yaml"))).unwrap(),
        pack
    );
    drop(server);
    // The server is gone: the cached copy is used.
    check(&spec).assert().code(1).stdout(contains("house/missing-ad"));

    // A wrong pin: both digests named, nothing used, nothing cached.
    let other = Server::start(|_| Reply::Body {
        status: 200,
        headers: vec![],
        body: b"pack: evil\n".to_vec(),
    });
    let wrong = format!("{}#sha256={digest}", other.url("/packs/house.yaml"));
    let cache_other = tempfile::tempdir().unwrap();
    sponsorlint()
        .env("SPONSORLINT_CACHE_DIR", cache_other.path())
        .args(["check", "-", "--no-builtin", "--no-config", "--rules", &wrong])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(contains(sha256(b"pack: evil\n")))
        .stderr(contains(format!("but {digest} was pinned")));
    assert!(!cache_other.path().join("packs").join(format!("{digest}.yaml")).exists());

    // A pack without a pin is refused.
    sponsorlint()
        .args(["check", "-", "--no-config", "--rules", &other.url("/packs/house.yaml")])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(contains("has no digest"));
}

#[test]
fn the_configuration_may_pin_remote_packs() {
    let pack =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/packs/house.yaml")).unwrap();
    let digest = sha256(&pack);
    let server =
        Server::start(move |_| Reply::Body { status: 200, headers: vec![], body: pack.clone() });
    let folder = tempfile::tempdir().unwrap();
    let config = folder.path().join("sponsorlint.yaml");
    std::fs::write(
        &config,
        format!("packs:\n  - url: {}\n    sha256: {digest}\n", server.url("/house.yaml")),
    )
    .unwrap();
    sponsorlint()
        .env("SPONSORLINT_CACHE_DIR", folder.path())
        .args(["check", "-", "--relationship", "paid", "--no-builtin", "--config"])
        .arg(&config)
        .write_stdin("my new serum")
        .assert()
        .code(1)
        .stdout(contains("house/missing-ad"));

    std::fs::write(
        &config,
        format!(
            "packs:\n  builtin: false\n  remote:\n    - url: {}\n      sha256: nothex\n",
            server.url("/h.yaml")
        ),
    )
    .unwrap();
    sponsorlint()
        .args(["check", "-", "--config"])
        .arg(&config)
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(contains("sha256 must be 64 hexadecimal digits"));
}

#[test]
fn paging_next_to_another_host_is_not_followed_with_the_token() {
    let server = Server::start(|_| {
        Reply::json(
            200,
            json!({
                "data": [{"id": "1", "caption": "Hi", "media_type": "IMAGE", "timestamp": "2024-05-02T09:00:00+0000"}],
                "paging": {"next": format!("https://graph.example.net/v21.0/17/media?access_token={TOKEN}&after=a1")}
            }),
        )
    });
    let output = sponsorlint()
        .env("INSTAGRAM_ACCESS_TOKEN", TOKEN)
        .args(["fetch", "instagram", "--user", "17", "--api-base", &server.url("/v21.0")])
        .assert()
        .code(2)
        .stderr(contains(
            "paging.next points to another host (graph.example.net); not sending the token there",
        ))
        .get_output()
        .clone();
    assert_eq!(ids(&lines(&output.stdout)), ["1"], "the first page is written");
    assert!(!String::from_utf8_lossy(&output.stderr).contains(TOKEN));
    assert_eq!(server.requests().len(), 1);
}

/// `fetch youtube --channel UCglow` from `server`, running, its stdout
/// piped, so a test can read posts as they come.
fn spawn_channel_fetch(server: &Server, stderr: std::process::Stdio) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("sponsorlint"))
        .env("YOUTUBE_API_KEY", TOKEN)
        .args(["fetch", "youtube", "--channel", "UCglow", "--api-base", &server.url("/youtube/v3")])
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

#[test]
fn posts_are_written_as_they_arrive() {
    let server = Server::start(|request: &Request| {
        let reply = youtube_channel(vec![vec!["v1"], vec!["v2"]])(request);
        if request.query("pageToken").is_some() {
            return Reply::After(Duration::from_secs(2), Box::new(reply));
        }
        reply
    });
    let started = Instant::now();
    let mut child = spawn_channel_fetch(&server, std::process::Stdio::null());
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    let first_after = started.elapsed();
    assert!(first.contains("\"id\":\"v1\""), "{first}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(rest.contains("\"id\":\"v2\""), "{rest}");
    assert!(
        first_after + Duration::from_millis(1500) < started.elapsed(),
        "the first post came after {first_after:?}, the run took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let server = Server::start(|request: &Request| {
        let reply = youtube_channel(vec![vec!["v1"], vec!["v2"]])(request);
        if request.query("pageToken").is_some() {
            return Reply::After(Duration::from_millis(800), Box::new(reply));
        }
        reply
    });
    let mut child = spawn_channel_fetch(&server, std::process::Stdio::piped());
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    drop(stdout); // `| head -1`
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
