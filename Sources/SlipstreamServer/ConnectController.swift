// The end user's page, where `auth_url` leads: signed and expiring (no API key in it), it names the
// developer and takes the rides of a head unit, each file on its own request through the same
// streamed ingest as `/v2/ingest`, its outcome in words.
//
//     GET  /connect/{dev_id}/{user_id}?expires=&sig=
//     POST /connect/{dev_id}/{user_id}/files?expires=&sig=&name=   (one file as the body; or a
//          multipart form of several, from the page without script)

import Foundation
import Hummingbird
import SlipstreamCore
import SlipstreamSecrets
import SlipstreamStorage
import SlipstreamStream
import SlipstreamWeb

struct ConnectController: Sendable {
    let storage: any Storage
    let settings: ServiceSettings
    let metrics: ServiceMetrics
    let session: WebSession
    let pages: WebPages

    private var upload: ConnectUpload { ConnectUpload(storage: storage, metrics: metrics) }

    /// The user's connect link, valid for `settings.connectLinkSeconds`.
    static func link(for user: ServiceUser, developer: Developer, settings: ServiceSettings) -> String {
        let expires = Int64(settings.now().timeIntervalSince1970) + settings.connectLinkSeconds
        let signature = settings.tokens(developer).connect(
            developerID: developer.id, userID: user.id, expires: expires)
        return settings.baseURL + "/connect/\(DashboardController.escapePath(developer.id))/"
            + "\(DashboardController.escapePath(user.id))?expires=\(expires)&sig=\(signature)"
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        let connect = router.group("connect/:dev_id/:user_id").add(middleware: WebErrorPages(session: session))
        connect.get { request, context in
            let (developer, user) = try await verify(request, context)
            return session.html(pages.render(try await page(developer, user, request: request)))
        }
        connect.post("files") { request, context in
            let (developer, user) = try await verify(request, context)
            if request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true {
                let outcomes = try await uploadForm(request, user: user, developer: developer)
                return session.html(pages.render(try await page(developer, user, request: request, outcomes: outcomes)))
            }
            let file = UploadedFile(name: request.uri.queryParameters.get("name") ?? "the file", userID: user.id)
            _ = try await request.forEachBodyChunk(upTo: settings.maxBodyBytes) { file.feed($0) }
            file.finish()
            let outcome = try await upload.store(file, developerID: developer.id)
            var headers = session.securityHeaders
            headers[.contentType] = "application/json"
            return Response(
                status: outcome.status, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: outcome.json)))
        }
    }

    /// The developer and user of a link whose signature holds now: 404 for a wrong one, 403 once expired.
    private func verify(_ request: Request, _ context: BasicRequestContext) async throws -> (Developer, ServiceUser) {
        let query = request.uri.queryParameters
        let developerID = try context.parameters.decoded("dev_id")
        let userID = try context.parameters.decoded("user_id")
        guard let expires = query.get("expires").flatMap({ Int64($0) }), let signature = query.get("sig"),
            let developer = try await storage.developer(id: developerID)
        else { throw Problem.notFound("this link is not one we made: ask the app for a new one") }
        let tokens = settings.tokens(developer)
        guard tokens.verifyConnect(signature, developerID: developerID, userID: userID, expires: expires) else {
            throw Problem.notFound("this link is not one we made: ask the app for a new one")
        }
        guard expires > Int64(settings.now().timeIntervalSince1970) else {
            throw Problem(.forbidden, "this link has expired: ask the app that sent you here for a new one")
        }
        guard let user = try await storage.user(id: userID, developerID: developer.id) else {
            throw Problem.notFound("this account is no longer connected")
        }
        return (developer, user)
    }

    private func page(_ developer: Developer, _ user: ServiceUser, request: Request, outcomes: [String] = [])
        async throws -> ConnectPage
    {
        // A ride's date is when it was ridden, not uploaded: the whole history, the latest 500 first.
        let recent = try await storage.latestActivities(userID: user.id, from: 0, to: .max, limit: 500)
        let query = request.uri.query.map { "?" + $0 } ?? ""
        let path = request.uri.path.hasSuffix("/files") ? String(request.uri.path.dropLast(6)) : request.uri.path
        return ConnectPage(
            developerName: developer.name, uploadURL: path + "/files" + query,
            rides: recent.map { DashboardController.row($0, StoredSummary.read($0.summaryJSON), href: "") },
            outcomes: outcomes)
    }

    /// The files of a multipart form, each read through its own stream as its bytes arrive, then stored.
    private func uploadForm(_ request: Request, user: ServiceUser, developer: Developer) async throws -> [String] {
        guard let boundary = MultipartFiles.boundary(request.headers[.contentType] ?? "") else {
            throw Problem.badRequest("a multipart form needs its boundary")
        }
        var files: [UploadedFile] = []
        var parts = MultipartFiles(boundary: boundary)
        var length = 0
        try await request.forEachBodyChunk { chunk in
            length += chunk.readableBytes
            guard length <= settings.maxBodyBytes else { throw Problem.bodyTooLarge(settings.maxBodyBytes) }
            try parts.feed(
                chunk, start: { name in files.append(UploadedFile(name: name, userID: user.id)) },
                bytes: { files.last?.feed($0) }, end: { files.last?.finish() })
        }
        guard parts.isComplete else { throw Problem.badRequest("the multipart form ends before its closing boundary") }
        var outcomes: [String] = []
        for file in files where file.length > 0 {
            outcomes.append("\(file.name): \(try await upload.store(file, developerID: developer.id).words)")
        }
        return outcomes.isEmpty ? ["No file was chosen."] : outcomes
    }
}
