import Foundation
import SwiftProtobuf

// The one place where wire types become ``LiveEvent`` values.

extension LiveEvent {
    /// Decodes one `BaseProtoMessage` into an event.
    ///
    /// Methods this library does not know become ``Kind/unknown(payload:)``.
    /// - Throws: `SwiftProtobuf` decoding errors when the payload of a known method is malformed.
    public init(message: Webcast_BaseProtoMessage) throws {
        let payload = message.payload
        let common: Webcast_CommonMessageData
        let user: Webcast_User?
        let kind: Kind
        switch message.method {
        case "WebcastChatMessage":
            let chat = try Webcast_ChatMessage(serializedBytes: payload)
            (common, user, kind) = (chat.common, chat.hasUser ? chat.user : nil, .chat(comment: chat.content))
        case "WebcastGiftMessage":
            let gift = try Webcast_GiftMessage(serializedBytes: payload)
            let details = Gift(
                giftID: gift.giftID != 0 ? gift.giftID : gift.gift.id, giftName: gift.gift.name,
                giftType: gift.gift.type, diamondCount: gift.gift.diamondCount, repeatCount: gift.repeatCount,
                repeatEnd: gift.repeatEnd == 1, groupID: gift.groupID
            )
            (common, user, kind) = (gift.common, gift.hasUser ? gift.user : nil, .gift(details))
        case "WebcastLikeMessage":
            let like = try Webcast_LikeMessage(serializedBytes: payload)
            (common, user, kind) = (like.common, like.hasUser ? like.user : nil, .like(likes: like.count, totalLikes: like.total))
        case "WebcastMemberMessage":
            let member = try Webcast_MemberMessage(serializedBytes: payload)
            (common, user, kind) = (member.common, member.hasUser ? member.user : nil, .join(memberCount: member.memberCount))
        case "WebcastSocialMessage":
            let social = try Webcast_SocialMessage(serializedBytes: payload)
            let key = social.common.displayText.key
            let socialKind: Kind
            if key.contains("follow") {
                socialKind = .follow
            } else if key.contains("share") {
                socialKind = .share
            } else {
                socialKind = .unknown(payload: [UInt8](payload))
            }
            (common, user, kind) = (social.common, social.hasUser ? social.user : nil, socialKind)
        case "WebcastRoomUserSeqMessage":
            let seq = try Webcast_RoomUserSeqMessage(serializedBytes: payload)
            (common, user, kind) = (seq.common, nil, .viewers(current: seq.total, total: seq.totalUser))
        case "WebcastControlMessage":
            let control = try Webcast_ControlMessage(serializedBytes: payload)
            (common, user, kind) = (control.common, nil, .control(action: control.action))
        case "WebcastImDeleteMessage":
            let delete = try Webcast_ImDeleteMessage(serializedBytes: payload)
            (common, user, kind) = (delete.common, nil, .delete(messageIDs: delete.deleteMsgIds, userIDs: delete.deleteUserIds))
        default:
            // Every event starts with the common header; read it if it is there, but never fail on it.
            common = (try? Webcast_EventHeader(serializedBytes: payload).common) ?? Webcast_CommonMessageData()
            (user, kind) = (nil, .unknown(payload: [UInt8](payload)))
        }
        self.init(
            method: message.method,
            msgID: message.msgID != 0 ? message.msgID : common.msgID,
            createTime: common.createTime,
            isHistory: message.isHistory,
            user: user.map(EventUser.init(proto:)),
            kind: kind
        )
    }
}

extension EventUser {
    init(proto: Webcast_User) {
        self.init(
            id: proto.idStr.isEmpty ? String(proto.id) : proto.idStr,
            uniqueID: proto.displayID,
            nickname: proto.nickname
        )
    }
}
