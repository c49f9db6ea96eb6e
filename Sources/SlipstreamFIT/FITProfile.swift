// The part of Garmin's FIT profile Slipstream reads: message and field numbers, scales and offsets,
// and how a FIT sport maps to Terra's ActivityType. Field numbers as in the SDK's Profile.xlsx.

package enum FITProfile {
    /// Seconds from the Unix epoch to FIT's (1989-12-31T00:00:00Z).
    package static let epochOffset: Int64 = 631_065_600
    /// A FIT `date_time` below this is seconds since the device was powered on, not a date.
    package static let minimumDateTime: Int64 = 0x1000_0000

    package enum Message {
        package static let fileID: UInt16 = 0
        package static let session: UInt16 = 18
        package static let record: UInt16 = 20
        package static let event: UInt16 = 21
        package static let deviceInfo: UInt16 = 23
        package static let activity: UInt16 = 34
        package static let length: UInt16 = 101
        /// Heart rate a strap stored while it could not send (a swim), sent after the activity.
        package static let hr: UInt16 = 132
        package static let fieldDescription: UInt16 = 206
    }

    /// Field 253 of every message that has one.
    package static let timestamp: UInt8 = 253

    package enum FileID {
        package static let type: UInt8 = 0, manufacturer: UInt8 = 1, product: UInt8 = 2, serialNumber: UInt8 = 3
        package static let timeCreated: UInt8 = 4, productName: UInt8 = 8
    }

    package enum Record {
        package static let positionLat: UInt8 = 0, positionLong: UInt8 = 1, altitude: UInt8 = 2, heartRate: UInt8 = 3
        package static let cadence: UInt8 = 4, distance: UInt8 = 5, speed: UInt8 = 6, power: UInt8 = 7
        package static let compressedSpeedDistance: UInt8 = 8, temperature: UInt8 = 13, fractionalCadence: UInt8 = 53
        package static let enhancedSpeed: UInt8 = 73, enhancedAltitude: UInt8 = 78
    }

    package enum Event {
        package static let event: UInt8 = 0, eventType: UInt8 = 1
        /// `event` value of timer start/stop events.
        package static let timer: Int64 = 0
        package static let start: Int64 = 0
        /// stop, stop_all, stop_disable, stop_disable_all
        package static let stops: Set<Int64> = [1, 4, 8, 9]
    }

    package enum Session {
        package static let event: UInt8 = 0, startTime: UInt8 = 2, sport: UInt8 = 5, subSport: UInt8 = 6
        package static let totalElapsedTime: UInt8 = 7, totalTimerTime: UInt8 = 8, totalDistance: UInt8 = 9
        package static let totalCalories: UInt8 = 11, avgSpeed: UInt8 = 14, maxSpeed: UInt8 = 15
        package static let avgHeartRate: UInt8 = 16, maxHeartRate: UInt8 = 17, avgCadence: UInt8 = 18,
            maxCadence: UInt8 = 19
        package static let avgPower: UInt8 = 20, maxPower: UInt8 = 21, totalAscent: UInt8 = 22, totalDescent: UInt8 = 23
        package static let poolLength: UInt8 = 44, enhancedAvgSpeed: UInt8 = 124, enhancedMaxSpeed: UInt8 = 125
    }

    package enum DeviceInfo {
        package static let deviceIndex: UInt8 = 0, manufacturer: UInt8 = 2, serialNumber: UInt8 = 3, product: UInt8 = 4
        package static let softwareVersion: UInt8 = 5, hardwareVersion: UInt8 = 6, productName: UInt8 = 27
    }

    /// A pool swim's lengths: length_type 1 is active (swum), 0 idle (a rest at the wall).
    package enum Length {
        package static let startTime: UInt8 = 2, totalTimerTime: UInt8 = 4, totalStrokes: UInt8 = 5, avgSpeed: UInt8 = 6
        package static let avgSwimmingCadence: UInt8 = 9, lengthType: UInt8 = 12
        package static let active: Int64 = 1
    }

    /// Heart rate a strap stored (HRM-Swim, HRM-Tri) and sent after the activity: beats as
    /// (event time in 1/1024 s, filtered bpm); a message with a timestamp anchors the event times.
    package enum HeartRate {
        package static let fractionalTimestamp: UInt8 = 0, time256: UInt8 = 1, filteredBPM: UInt8 = 6
        package static let eventTimestamp: UInt8 = 9, eventTimestamp12: UInt8 = 10
    }

    package enum Activity {
        package static let localTimestamp: UInt8 = 5
    }

    package enum FieldDescription {
        package static let developerDataIndex: UInt8 = 0, fieldDefinitionNumber: UInt8 = 1, baseType: UInt8 = 2
        package static let fieldName: UInt8 = 3, scale: UInt8 = 6, offset: UInt8 = 7
        package static let nativeMessage: UInt8 = 14, nativeField: UInt8 = 15
    }

    /// `file_id.type` names (the FIT `file` enum), for "a FIT settings file, not an activity".
    package static func fileTypeName(_ type: Int64) -> String {
        switch type {
        case 1: "device"
        case 2: "settings"
        case 3: "sport settings"
        case 4: "activity"
        case 5: "workout"
        case 6: "course"
        case 7: "schedules"
        case 9: "weight scale"
        case 10: "totals"
        case 11: "goals"
        case 14: "blood pressure"
        case 15: "monitoring"
        case 20: "activity summary"
        case 28: "daily monitoring"
        case 32: "monitoring"
        case 34: "segment"
        case 35: "segment list"
        default: "type \(type)"
        }
    }

    /// `manufacturer` names of the heads users record with (the FIT `manufacturer` enum; XOSS heads
    /// write a number of their own, shown as such).
    package static func manufacturerName(_ id: Int64) -> String {
        switch id {
        case 1: "Garmin"
        case 15: "Dynastream"
        case 23: "Suunto"
        case 32: "Wahoo Fitness"
        case 69: "Stages Cycling"
        case 70: "Sigma Sport"
        case 89: "Tacx"
        case 107: "Magene"
        case 115: "iGPSPORT"
        case 255: "development"
        case 260: "Zwift"
        case 265: "Strava"
        case 267: "Bryton"
        case 289: "Hammerhead"
        case 294: "COROS"
        default: "manufacturer \(id)"
        }
    }

    /// Terra's ActivityType for a FIT sport and sub-sport (Terra's ActivityType.yaml; FIT's `sport`
    /// and `sub_sport` enums).
    package static func activityType(sport: Int64?, subSport: Int64?) -> Int {
        switch (sport, subSport) {
        case (2, 6), (2, 58): return 18  // indoor cycling, virtual activity: stationary biking
        case (2, 5): return 17  // spin
        case (2, 7): return 16  // road
        case (2, 8): return 15  // mountain
        case (2, 46): return 150  // gravel
        case (2, 28): return 152  // e-bike fitness
        case (2, _): return 1  // biking
        case (21, _): return 152  // e-biking
        case (1, 1): return 58  // treadmill running
        case (1, 3): return 149  // trail running
        case (1, _): return 8  // running
        case (11, _): return 7  // walking
        case (17, _): return 35  // hiking
        case (16, _): return 130  // mountaineering
        case (5, 17): return 83  // lap swimming
        case (5, 18): return 84  // open water
        case (5, _): return 82  // swimming
        case (15, 14), (4, 14): return 54  // indoor rowing
        case (15, _): return 53  // rowing
        case (4, 15): return 25  // elliptical
        case (4, 6): return 18  // stationary bike
        case (4, 1): return 88  // treadmill
        case (12, _): return 67  // cross-country skiing
        case (13, _): return 68  // alpine skiing
        case (10, 20): return 80  // strength training
        case (18, _): return 126  // multisport: triathlon
        case (nil, _): return 4  // unknown
        default: return 108  // other
        }
    }
}
