import Contracts
import OrdersCore
import WorkerRuntime

await Worker.run(queue: .checkout) { resources in
    let database = try resources.database()
    let config = resources.config
    let limits = OrderSweep.Limits(
        redriveAfter: .seconds(try config.integer("sweeper.redriveAfterSeconds", default: 60, in: 1...86_400)),
        expireAfter: .seconds(try config.integer("sweeper.expireAfterSeconds", default: 1800, in: 1...604_800)),
        reservationTimeout: .seconds(try config.integer("sweeper.reservationTimeoutSeconds", default: 600, in: 1...604_800))
    )
    let sweeper = CheckoutSweeper(sweep: OrderSweep(database: database, limits: limits), publisher: resources.publisher)
    resources.addService(
        PeriodicService(
            name: "sweeper",
            interval: .seconds(try config.integer("sweeper.intervalSeconds", default: 30, in: 1...3600)),
            logger: resources.logger,
            work: sweeper.run
        )
    )
    return CheckoutHandler(
        orders: OrderRepository(database: database),
        payment: OrderPayment(database: database, provider: SimulatedPaymentProvider())
    )
}
