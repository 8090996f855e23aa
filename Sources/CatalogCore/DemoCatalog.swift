import Contracts

/// The products `shopctl seed` creates, so a new stack has something to sell.
public enum DemoCatalog {
    public static let products: [CreateProductRequest] = [
        product("MUG-001", "Swift Mug", "A 350 ml ceramic mug with the Swift bird.", "kitchen", 1299, 100),
        product("TEE-001", "Server-Side Swift T-Shirt", "Organic cotton, unisex fit.", "apparel", 2499, 50),
        product("HOOD-001", "Concurrency Hoodie", "Warm, structured and data-race free.", "apparel", 5499, 25),
        product("STK-001", "Sticker Pack", "Ten vinyl stickers for your laptop.", "accessories", 499, 500),
        product("BOOK-001", "Queues in Practice", "A field guide to message-driven systems.", "books", 3999, 40),
        product("CAP-001", "Event Loop Cap", "One size fits all loops.", "apparel", 1999, 60),
    ]

    private static func product(_ sku: String, _ name: String, _ description: String, _ category: String, _ cents: Int, _ stock: Int)
        -> CreateProductRequest
    {
        CreateProductRequest(sku: sku, name: name, description: description, category: category, price: Money(amount: cents, currency: "EUR"), stock: stock)
    }
}
