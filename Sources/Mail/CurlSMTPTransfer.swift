import CCurl
import CCurlShims

/// One SMTP transaction with a fresh curl easy handle. Blocking: run it on the thread pool only.
/// Every curl object lives and dies inside ``send(_:configuration:)``; none escapes.
enum CurlSMTPTransfer {
    /// Connects, builds the MIME body with curl's MIME API, sends, and reports failures as ``MailError``.
    static func send(_ mail: PreparedMail, configuration: SMTPConfiguration) throws(MailError) {
        let initCode = shop_curl_global_init_once()
        guard initCode == CURLE_OK else {
            throw MailError(curlCode: Int(initCode.rawValue), responseCode: nil,
                            message: "curl_global_init failed: \(describe(initCode))", isTransient: false)
        }
        guard let handle = curl_easy_init() else {
            throw MailError(curlCode: Int(CURLE_FAILED_INIT.rawValue), responseCode: nil,
                            message: "curl_easy_init failed", isTransient: true)
        }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        var recipients: UnsafeMutablePointer<curl_slist>?
        var headers: UnsafeMutablePointer<curl_slist>?
        var mime: OpaquePointer?
        defer {
            // The handle first: it refers to everything else.
            curl_easy_cleanup(handle)
            curl_mime_free(mime)
            curl_slist_free_all(headers)
            curl_slist_free_all(recipients)
            errorBuffer.deallocate()
        }

        try check(shop_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        // Worker threads must not get SIGALRM-based DNS timeouts.
        try check(shop_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        try check(shop_curl_easy_setopt_string(handle, CURLOPT_URL, configuration.url), "CURLOPT_URL")
        try check(shop_curl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout)), "CURLOPT_CONNECTTIMEOUT_MS")
        try check(shop_curl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(configuration.timeout)), "CURLOPT_TIMEOUT_MS")
        if configuration.requireTLS {
            try check(shop_curl_easy_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)), "CURLOPT_USE_SSL")
        }
        if let username = configuration.username {
            try check(shop_curl_easy_setopt_string(handle, CURLOPT_USERNAME, username), "CURLOPT_USERNAME")
        }
        if let password = configuration.password {
            try check(shop_curl_easy_setopt_string(handle, CURLOPT_PASSWORD, password), "CURLOPT_PASSWORD")
        }
        try check(shop_curl_easy_setopt_string(handle, CURLOPT_MAIL_FROM, mail.envelopeSender), "CURLOPT_MAIL_FROM")
        recipients = try makeList(mail.envelopeRecipients)
        try check(shop_curl_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients), "CURLOPT_MAIL_RCPT")
        headers = try makeList(mail.headerLines)
        try check(shop_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headers), "CURLOPT_HTTPHEADER")
        mime = try makeBody(handle, mail)
        try check(shop_curl_easy_setopt_mime(handle, CURLOPT_MIMEPOST, mime), "CURLOPT_MIMEPOST")

        let code = curl_easy_perform(handle)
        guard code != CURLE_OK else { return }
        var response = 0
        _ = shop_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &response)
        let responseCode = response > 0 ? response : nil
        let detail = String(cString: errorBuffer)
        throw MailError(
            curlCode: Int(code.rawValue),
            responseCode: responseCode,
            message: detail.isEmpty ? describe(code) : detail,
            isTransient: MailError.isTransient(curlCode: Int(code.rawValue), responseCode: responseCode)
        )
    }

    /// The body: one `text/plain` part, or text and HTML alternatives (the top-level type is set
    /// to `multipart/alternative` by the header ``PreparedMail`` adds). Each part is UTF-8,
    /// quoted-printable encoded by curl.
    private static func makeBody(_ handle: UnsafeMutableRawPointer, _ mail: PreparedMail) throws(MailError) -> OpaquePointer {
        guard let mime = curl_mime_init(handle) else {
            throw MailError(curlCode: Int(CURLE_OUT_OF_MEMORY.rawValue), responseCode: nil, message: "curl_mime_init failed", isTransient: true)
        }
        do throws(MailError) {
            try addPart(to: mime, body: mail.textBody, type: "text/plain; charset=utf-8")
            if let html = mail.htmlBody {
                try addPart(to: mime, body: html, type: "text/html; charset=utf-8")
            }
        } catch {
            curl_mime_free(mime)
            throw error
        }
        return mime
    }

    private static func addPart(to mime: OpaquePointer, body: [UInt8], type: String) throws(MailError) {
        guard let part = curl_mime_addpart(mime) else {
            throw MailError(curlCode: Int(CURLE_OUT_OF_MEMORY.rawValue), responseCode: nil, message: "curl_mime_addpart failed", isTransient: true)
        }
        let dataCode = body.withUnsafeBytes { bytes in
            curl_mime_data(part, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        try check(dataCode, "curl_mime_data")
        try check(curl_mime_type(part, type), "curl_mime_type")
        try check(curl_mime_encoder(part, "quoted-printable"), "curl_mime_encoder")
    }

    /// A curl string list with a copy of each string (free it with `curl_slist_free_all`).
    private static func makeList(_ strings: [String]) throws(MailError) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for string in strings {
            guard let extended = curl_slist_append(list, string) else {
                curl_slist_free_all(list)
                throw MailError(curlCode: Int(CURLE_OUT_OF_MEMORY.rawValue), responseCode: nil, message: "curl_slist_append failed", isTransient: true)
            }
            list = extended
        }
        return list
    }

    private static func check(_ code: CURLcode, _ what: String) throws(MailError) {
        guard code == CURLE_OK else {
            throw MailError(curlCode: Int(code.rawValue), responseCode: nil,
                            message: "\(what) failed: \(describe(code))", isTransient: false)
        }
    }

    private static func describe(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1_000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
