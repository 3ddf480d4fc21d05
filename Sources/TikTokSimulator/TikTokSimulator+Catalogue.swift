import Foundation
import Hummingbird

// The gift catalogue and the coin price list (protocol.md §1.5).

extension TikTokSimulator {
    /// The simulated gift catalogue: (id, name, diamonds, type); type 1 gifts are sent in streaks.
    static let gifts: [(id: Int64, name: String, diamonds: Int, type: Int)] = [
        (5655, "Rose", 1, 1),
        (5269, "TikTok", 1, 1),
        (5487, "Finger Heart", 5, 1),
        (5879, "Doughnut", 30, 1),
        (6064, "GG", 1, 1),
        (5760, "Weights", 1, 1),
        (6369, "Lion", 29_999, 2),
        (7312, "TikTok Universe", 44_999, 2),
    ]

    /// The simulated coin packages: (id, coins, US cents, euro cents).
    static let coinPackages: [(id: Int64, coins: Int, usdCents: Int, eurCents: Int)] = [
        (1_000_070, 70, 74, 79),
        (1_000_350, 350, 370, 399),
        (1_000_700, 700, 740, 799),
        (1_001_400, 1400, 1480, 1599),
        (1_003_500, 3500, 3700, 3999),
        (1_007_000, 7000, 7400, 7999),
    ]

    func addCatalogueRoutes(to router: Router<BasicRequestContext>) {
        router.get("/webcast/gift/list/") { request, _ -> Response in
            let (refusal, _) = self.applyWebFaults(.giftList, request)
            if let refusal { return refusal }
            let host = Self.host(request)
            let gifts = Self.gifts.map { gift -> [String: Any] in
                let image = "http://\(host)/gift-images/\(gift.id).png"
                return [
                    "id": gift.id, "name": gift.name, "diamond_count": gift.diamonds, "type": gift.type, "combo": gift.type == 1,
                    "describe": "sent \(gift.name)", "duration": 1000, "is_displayed_on_panel": true,
                    "image": ["uri": "webcast-va/\(gift.id)", "url_list": [image], "avg_color": "#FFFFFF"],
                    "icon": ["uri": "webcast-va/\(gift.id)", "url_list": [image], "avg_color": "#FFFFFF"],
                ]
            }
            return Self.json([
                "data": ["gifts": gifts, "gifts_info": ["new_gift_id": 0, "speedy_gift_id": 5655], "doodle_templates": [String]()],
                "extra": ["log_id": "sim-\(Self.nowMilliseconds)", "now": Self.nowMilliseconds], "status_code": 0,
            ])
        }

        router.get("/webcast/wallet_api/fs/diamond") { request, _ -> Response in
            let (refusal, _) = self.applyWebFaults(.coinPrices, request)
            if let refusal { return refusal }
            let packages = Self.coinPackages.map { package -> [String: Any] in
                [
                    "id": package.id, "diamond_count": package.coins, "price": package.usdCents, "exchange_price": package.usdCents,
                    "giving_count": 0, "discount_price": 0, "coupon_id": "", "iap_id": "", "describe": "\(package.coins) coins",
                    "currency_price": [
                        Self.currencyPrice("USD", cents: package.usdCents, symbol: "$"),
                        Self.currencyPrice("EUR", cents: package.eurCents, symbol: "€"),
                    ],
                ]
            }
            return Self.json([
                "data": packages,
                "extra": ["default_currency": "USD", "currency_list": ["USD", "EUR"], "now": Self.nowMilliseconds],
                "status_code": 0,
            ])
        }
    }

    private static func currencyPrice(_ currency: String, cents: Int, symbol: String) -> [String: Any] {
        [
            "currency": currency, "price": cents, "original_price": cents, "price_dot": 2, "keep_dot": 2,
            "price_show_form": "\(symbol)\(cents / 100).\(String(format: "%02d", cents % 100))",
        ]
    }
}
