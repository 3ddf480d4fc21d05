/// One coin package of TikTok's price list (`/webcast/wallet_api/fs/diamond`): how many coins cost how much.
public struct CoinPrice: Sendable, Equatable {
    /// A price in one currency.
    public struct LocalPrice: Sendable, Equatable {
        /// ISO currency code, such as `EUR`.
        public var currency: String
        /// The price in the currency's minor unit (cents).
        public var minorUnits: Int64
        /// TikTok's display text for the price, if it sent one.
        public var display: String?

        /// Creates a local price.
        public init(currency: String, minorUnits: Int64, display: String? = nil) {
            self.currency = currency
            self.minorUnits = minorUnits
            self.display = display
        }
    }

    /// The package id.
    public var id: Int64
    /// Coins in the package (`diamond_count`).
    public var coins: Int64
    /// Price in US cents (`price`).
    public var usdCents: Int64
    /// Prices in other currencies (`currency_price`).
    public var localPrices: [LocalPrice]

    /// Creates a package value.
    public init(id: Int64, coins: Int64, usdCents: Int64, localPrices: [LocalPrice]) {
        self.id = id
        self.coins = coins
        self.usdCents = usdCents
        self.localPrices = localPrices
    }
}
